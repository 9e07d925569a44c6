using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Learning.Corpus;
using HealingGrains.Learning.Models;

namespace HealingGrains.Cli.Commands;

/// <summary>
/// <c>hg models</c>: the host's model registry (list, train, evaluate, register, promote, rollback), and the
/// classifier trained and measured locally on the shipped corpus. Results go to stdout, progress to stderr.
/// </summary>
internal static class ModelsCommand
{
    private const string Classifier = "classifier";

    public static Command Create()
    {
        var command = new Command("models", "The host's tiny models: versions, training, evaluation, promotion and rollback (operator key).");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Train());
        command.Subcommands.Add(Evaluate());
        command.Subcommands.Add(Register());
        command.Subcommands.Add(Promote());
        command.Subcommands.Add(Rollback());
        return command;
    }

    private static Command List()
    {
        var (url, key) = HostOptions("The host, e.g. http://localhost:5080", required: true);
        var command = new Command("list", "Every kind of model with its versions: status, deciding metric, size, origin, registration time.") { url, key };
        command.SetAction((parse, cancellationToken) => WithHostAsync("list", parse, url, key, async (client, output, error) =>
        {
            var answer = await client.GetAsync("/api/v1/models", cancellationToken);
            if (answer.Problem is not null)
            {
                return await FailAsync(error, "list", answer.Problem);
            }

            foreach (var model in answer.Body.GetProperty("models").EnumerateArray())
            {
                await WriteKindAsync(output, model);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Train()
    {
        var kind = KindArgument();
        var (url, key) = HostOptions("Ask this host to train on its data (default: train the classifier here on the shipped corpus)");
        var promote = new Option<bool>("--promote") { Description = "With --url: promote the new version if it beats the active one" };
        var output = new Option<FileInfo?>("--out") { Description = "Write the model's bytes to this file (required without --url)" };
        var command = new Command("train", "Trains a model: on a host's data (--url), or the classifier locally on the shipped corpus's training split.")
        {
            kind, url, key, promote, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (stdout, stderr) = Writers(parse);
            var name = parse.GetValue(kind)!;
            var file = parse.GetValue(output);
            if (file is { Directory.Exists: false })
            {
                return await UsageAsync(stderr, "train", $"{file.DirectoryName} does not exist.");
            }

            if (parse.GetValue(url) is null)
            {
                if (name != Classifier)
                {
                    return await UsageAsync(stderr, "train",
                        $"the {name} trains on a host's recorded outcomes; give --url of that host (only the classifier trains locally).");
                }

                if (parse.GetValue(promote))
                {
                    return await UsageAsync(stderr, "train", "--promote needs --url: only a host's registry promotes.");
                }

                if (file is null)
                {
                    return await UsageAsync(stderr, "train", "give --out FILE for the trained classifier's bytes.");
                }

                var (train, heldOut) = ErrorCorpus.Split();
                await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"training the classifier on {train.Count:N0} corpus entries…"));
                var classifier = ErrorClassifier.Train(train);
                var bytes = classifier.Save();
                await File.WriteAllBytesAsync(file.FullName, bytes, cancellationToken);
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"wrote {file.FullName} ({bytes.Length:N0} bytes)"));
                await WriteEvaluationAsync(stdout, stderr, classifier, heldOut);
                return ExitCodes.Ok;
            }

            return await WithHostAsync("train", parse, url, key, async (client, _, _) =>
            {
                await stderr.WriteLineAsync($"training the {name} on the host…");
                var trained = await client.PostAsync($"/api/v1/models/{name}/train", cancellationToken);
                if (trained.Problem is not null)
                {
                    return await FailAsync(stderr, "train", trained.Problem);
                }

                await WriteVersionAsync(stdout, trained.Body);
                var version = trained.Body.GetProperty("version").GetInt32();
                if (file is not null)
                {
                    var (bytes, problem) = await client.DownloadAsync($"/api/v1/models/{name}/versions/{version}/content", cancellationToken);
                    if (problem is not null)
                    {
                        return await FailAsync(stderr, "train", problem);
                    }

                    await File.WriteAllBytesAsync(file.FullName, bytes!, cancellationToken);
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"wrote {file.FullName} ({bytes!.Length:N0} bytes)"));
                }

                return parse.GetValue(promote)
                    ? await PromoteAsync(client, name, version, stdout, stderr, cancellationToken)
                    : ExitCodes.Ok;
            });
        });
        return command;
    }

    private static Command Evaluate()
    {
        var kind = KindArgument();
        var model = new Option<FileInfo?>("--model") { Description = "A classifier file to measure on the held-out split (default: one trained now)" };
        var (url, key) = HostOptions("Show the metrics a host registered for a version instead");
        var version = new Option<int?>("--version") { Description = "With --url: the version (default: the active one)" };
        var command = new Command("evaluate", "Measures a classifier on the shipped corpus's held-out split, or shows a host's registered metrics of a version (--url).")
        {
            kind, model, url, key, version,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (stdout, stderr) = Writers(parse);
            var name = parse.GetValue(kind)!;
            if (parse.GetValue(url) is null)
            {
                if (name != Classifier)
                {
                    return await UsageAsync(stderr, "evaluate",
                        $"the {name} is measured on a host's recorded outcomes; give --url of that host (only the classifier is evaluated locally).");
                }

                if (parse.GetValue(version) is not null)
                {
                    return await UsageAsync(stderr, "evaluate", "--version needs --url.");
                }

                var (train, heldOut) = ErrorCorpus.Split();
                ErrorClassifier classifier;
                if (parse.GetValue(model) is { } file)
                {
                    if (!file.Exists)
                    {
                        return await UsageAsync(stderr, "evaluate", $"{file.FullName} does not exist.");
                    }

                    try
                    {
                        classifier = ErrorClassifier.Load(await File.ReadAllBytesAsync(file.FullName, cancellationToken));
                    }
                    catch (InvalidDataException ex)
                    {
                        return await UsageAsync(stderr, "evaluate", $"{file.FullName} is not a classifier: {ex.Message}");
                    }
                }
                else
                {
                    await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"training the classifier on {train.Count:N0} corpus entries…"));
                    classifier = ErrorClassifier.Train(train);
                }

                await WriteEvaluationAsync(stdout, stderr, classifier, heldOut);
                return ExitCodes.Ok;
            }

            if (parse.GetValue(model) is not null)
            {
                return await UsageAsync(stderr, "evaluate", "give either --model (measured here) or --url (the host's metrics), not both.");
            }

            return await WithHostAsync("evaluate", parse, url, key, async (client, _, _) =>
            {
                JsonElement shown;
                if (parse.GetValue(version) is { } number)
                {
                    var answer = await client.GetAsync($"/api/v1/models/{name}/versions/{number}", cancellationToken);
                    if (answer.Problem is not null)
                    {
                        return await FailAsync(stderr, "evaluate", answer.Problem);
                    }

                    shown = answer.Body;
                }
                else
                {
                    var answer = await client.GetAsync($"/api/v1/models/{name}", cancellationToken);
                    if (answer.Problem is not null)
                    {
                        return await FailAsync(stderr, "evaluate", answer.Problem);
                    }

                    if (answer.Body.GetProperty("active").ValueKind != JsonValueKind.Object)
                    {
                        return await FailAsync(stderr, "evaluate", $"the host has no active {name}; give --version.");
                    }

                    shown = answer.Body.GetProperty("active");
                }

                await WriteVersionAsync(stdout, shown);
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static Command Register()
    {
        var kind = KindArgument();
        var model = new Option<FileInfo>("--model") { Description = "The model file to upload", Required = true };
        var (url, key) = HostOptions("The host, e.g. http://localhost:5080", required: true);
        var command = new Command("register", "Uploads a model file to a host, which measures it and registers it as a candidate.") { kind, model, url, key };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (stdout, stderr) = Writers(parse);
            var file = parse.GetValue(model)!;
            if (!file.Exists)
            {
                return await UsageAsync(stderr, "register", $"{file.FullName} does not exist.");
            }

            return await WithHostAsync("register", parse, url, key, async (client, _, _) =>
            {
                await stderr.WriteLineAsync($"uploading {file.FullName}; the host measures it…");
                var answer = await client.UploadAsync($"/api/v1/models/{parse.GetValue(kind)}/versions", file, cancellationToken);
                if (answer.Problem is not null)
                {
                    return await FailAsync(stderr, "register", answer.Problem);
                }

                await WriteVersionAsync(stdout, answer.Body);
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static Command Promote()
    {
        var kind = KindArgument();
        var version = new Argument<int>("version") { Description = "The candidate version" };
        var (url, key) = HostOptions("The host, e.g. http://localhost:5080", required: true);
        var command = new Command("promote", "Makes a candidate active if it beats the active version by the host's margin on the same held-out data.")
        {
            kind, version, url, key,
        };
        command.SetAction((parse, cancellationToken) => WithHostAsync("promote", parse, url, key, (client, stdout, stderr) =>
            PromoteAsync(client, parse.GetValue(kind)!, parse.GetValue(version), stdout, stderr, cancellationToken)));
        return command;
    }

    private static Command Rollback()
    {
        var kind = KindArgument();
        var (url, key) = HostOptions("The host, e.g. http://localhost:5080", required: true);
        var command = new Command("rollback", "Makes the previously active version active again.") { kind, url, key };
        command.SetAction((parse, cancellationToken) => WithHostAsync("rollback", parse, url, key, async (client, stdout, stderr) =>
        {
            var answer = await client.PostAsync($"/api/v1/models/{parse.GetValue(kind)}/rollback", cancellationToken);
            if (answer.Problem is not null)
            {
                return await FailAsync(stderr, "rollback", answer.Problem);
            }

            await stdout.WriteLineAsync($"rolled back: {Describe(answer.Body)} is active again");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static async Task<int> PromoteAsync(
        OperatorClient client, string kind, int version, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var answer = await client.PostAsync($"/api/v1/models/{kind}/versions/{version}/promote", cancellationToken);
        if (answer.Problem is not null)
        {
            return await FailAsync(stderr, "promote", $"not promoted: {answer.Problem}");
        }

        await stdout.WriteLineAsync($"promoted: {Describe(answer.Body)} is active");
        return ExitCodes.Ok;
    }

    private static async Task WriteEvaluationAsync(TextWriter stdout, TextWriter stderr, ErrorClassifier classifier, IReadOnlyList<CorpusEntry> heldOut)
    {
        await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"evaluating on {heldOut.Count:N0} held-out entries (each family's last phrasing, which training never sees)…"));
        var metrics = classifier.Evaluate(heldOut);
        await stdout.WriteLineAsync($"{"category",-22}{"precision",10}{"recall",8}{"F1",8}{"support",9}");
        foreach (var (category, m) in metrics.PerCategory)
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{category,-22}{m.Precision,10:F3}{m.Recall,8:F3}{m.F1,8:F3}{m.Support,9}"));
        }

        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{"macro-F1",-22}{metrics.MacroF1,10:F3}"));
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{"accuracy",-22}{metrics.Accuracy,10:F3}"));
    }

    private static async Task WriteKindAsync(TextWriter output, JsonElement model)
    {
        var active = model.GetProperty("active");
        await output.WriteLineAsync(active.ValueKind == JsonValueKind.Object
            ? string.Create(CultureInfo.InvariantCulture, $"{model.GetProperty("kind").GetString()}: active version {active.GetProperty("version").GetInt32()}")
            : $"{model.GetProperty("kind").GetString()}: no active version");
        var versions = model.GetProperty("versions");
        if (versions.GetArrayLength() == 0)
        {
            await output.WriteLineAsync("  no versions");
            return;
        }

        await output.WriteLineAsync($"  {"version",7}  {"status",-11}{"metric",-20}{"size",12}  {"origin",-10}registered");
        foreach (var v in versions.EnumerateArray())
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {v.GetProperty("version").GetInt32(),7}  {v.GetProperty("status").GetString(),-11}{Metric(v),-20}{Size(v),12}  {v.GetProperty("origin").GetString(),-10}{Registered(v)}"));
        }
    }

    private static async Task WriteVersionAsync(TextWriter output, JsonElement v)
    {
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{Describe(v)}: {v.GetProperty("status").GetString()}, {v.GetProperty("origin").GetString()}, {Metric(v)} ({(v.GetProperty("higherIsBetter").GetBoolean() ? "higher" : "lower")} is better), {Size(v)}, registered {Registered(v)}"));
        if (v.GetProperty("baselineVersion").ValueKind == JsonValueKind.Number && v.GetProperty("baselineMetric").ValueKind == JsonValueKind.Number)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  against active version {v.GetProperty("baselineVersion").GetInt32()}: {v.GetProperty("metric").GetString()}={v.GetProperty("baselineMetric").GetDouble():F4} on the same held-out data"));
        }

        foreach (var metric in v.GetProperty("metrics").EnumerateObject())
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {metric.Name,-28}{metric.Value.GetDouble(),10:0.####}"));
        }
    }

    private static string Describe(JsonElement v) =>
        string.Create(CultureInfo.InvariantCulture, $"{v.GetProperty("kind").GetString()} version {v.GetProperty("version").GetInt32()}");

    private static string Metric(JsonElement v)
    {
        var name = v.GetProperty("metric").GetString()!;
        return v.GetProperty("metrics").TryGetProperty(name, out var value)
            ? string.Create(CultureInfo.InvariantCulture, $"{name}={value.GetDouble():F4}")
            : name;
    }

    private static string Size(JsonElement v) =>
        string.Create(CultureInfo.InvariantCulture, $"{v.GetProperty("sizeBytes").GetInt32() / 1024.0:F1} KiB");

    private static string Registered(JsonElement v) =>
        v.GetProperty("registeredAt").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static Argument<string> KindArgument()
    {
        var kind = new Argument<string>("kind") { Description = $"The kind of model: {string.Join(", ", ModelKindNames.All)}" };
        kind.AcceptOnlyFromAmong([.. ModelKindNames.All]);
        return kind;
    }

    private static (Option<string?> Url, Option<string?> Key) HostOptions(string urlDescription, bool required = false) =>
        (new Option<string?>("--url") { Description = urlDescription, Required = required },
         new Option<string?>("--operator-key") { Description = "The host's operator key (or set HG_OPERATOR_KEY)" });

    private static (TextWriter Output, TextWriter Error) Writers(ParseResult parse) =>
        (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);

    private static Task<int> WithHostAsync(
        string verb, ParseResult parse, Option<string?> url, Option<string?> key, Func<OperatorClient, TextWriter, TextWriter, Task<int>> run) =>
        OperatorClient.RunAsync("hg models", verb, parse, url, key, run);

    private static Task<int> UsageAsync(TextWriter error, string verb, string message) => OperatorClient.UsageAsync(error, "hg models", verb, message);

    private static Task<int> FailAsync(TextWriter error, string verb, string problem) => OperatorClient.FailAsync(error, "hg models", verb, problem);
}
