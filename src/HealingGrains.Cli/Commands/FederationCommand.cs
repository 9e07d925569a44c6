using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace HealingGrains.Cli.Commands;

/// <summary>
/// <c>hg federation</c>: a host's federation (operator key): its counts and public key, the signed export of its visible
/// patterns, and the import of another installation's bundle. Results go to stdout, progress and refusals to stderr.
/// </summary>
internal static class FederationCommand
{
    public static Command Create()
    {
        var command = new Command("federation", "Federation between installations: status, export of a signed bundle, import of another installation's (operator key).");
        command.Subcommands.Add(Status());
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Import());
        return command;
    }

    private static Command Status()
    {
        var (url, key) = HostOptions();
        var command = new Command("status", "The host's issuer, public key (what other installations trust), settings, pattern counts and imported bundles.") { url, key };
        command.SetAction((parse, cancellationToken) => WithHostAsync("status", parse, url, key, async (client, output, error) =>
        {
            var answer = await client.GetAsync("/api/v1/federation", cancellationToken);
            if (answer.Problem is not null)
            {
                return await FailAsync(error, "status", answer.Problem);
            }

            var f = answer.Body;
            await output.WriteLineAsync($"issuer: {f.GetProperty("issuer").GetString()}");
            await output.WriteLineAsync($"public key: {f.GetProperty("publicKey").GetString()}");
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"k = {f.GetProperty("minimumContributors").GetInt32()} organisations, epsilon {f.GetProperty("epsilon").GetDouble()}, at most {f.GetProperty("capPerPeriod").GetInt32()} outcomes per tenant and pattern per {f.GetProperty("period").GetString()}, prior cap {f.GetProperty("priorCap").GetDouble()}, {f.GetProperty("trustedKeys").GetInt32()} trusted keys"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"signatures {f.GetProperty("signatures").GetInt32()}, patterns {f.GetProperty("patterns").GetInt32()} ({f.GetProperty("visiblePatterns").GetInt32()} visible), contributions {f.GetProperty("contributions").GetInt32()}, outcomes {f.GetProperty("outcomes").GetInt64()}"));
            foreach (var import in f.GetProperty("imports").EnumerateArray())
            {
                await output.WriteLineAsync(ImportLine(import));
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Export()
    {
        var (url, key) = HostOptions();
        var output = new Option<FileInfo>("--out") { Description = "Where to write the signed bundle (JSON)", Required = true };
        var command = new Command("export", "Writes the host's visible patterns (each from at least k organisations), signed with its key, to a file.") { url, key, output };
        command.SetAction((parse, cancellationToken) =>
        {
            var file = parse.GetValue(output)!;
            return file.Directory is { Exists: false }
                ? UsageAsync(parse.InvocationConfiguration.Error, "export", $"{file.DirectoryName} does not exist.")
                : WithHostAsync("export", parse, url, key, async (client, stdout, stderr) =>
                {
                    await stderr.WriteLineAsync("exporting…");
                    var (bytes, problem) = await client.DownloadAsync("/api/v1/federation/export", cancellationToken);
                    if (problem is not null)
                    {
                        return await FailAsync(stderr, "export", problem);
                    }

                    await File.WriteAllBytesAsync(file.FullName, bytes!, cancellationToken);
                    using var bundle = JsonDocument.Parse(bytes);
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"wrote {file.FullName}: {bundle.RootElement.GetProperty("patterns").GetArrayLength()} patterns from {bundle.RootElement.GetProperty("issuer").GetString()} (k = {bundle.RootElement.GetProperty("minimumContributors").GetInt32()}), signed by {bundle.RootElement.GetProperty("publicKey").GetString()}"));
                    return ExitCodes.Ok;
                });
        });
        return command;
    }

    private static Command Import()
    {
        var (url, key) = HostOptions();
        var input = new Option<FileInfo>("--file") { Description = "A bundle another installation exported", Required = true };
        var command = new Command("import", "Has the host verify a bundle (trusted key, signature, k) and merge it; a refusal is printed with its reason.") { url, key, input };
        command.SetAction((parse, cancellationToken) =>
        {
            var file = parse.GetValue(input)!;
            return !file.Exists
                ? UsageAsync(parse.InvocationConfiguration.Error, "import", $"{file.FullName} does not exist.")
                : WithHostAsync("import", parse, url, key, async (client, stdout, stderr) =>
                {
                    var answer = await client.PostJsonFileAsync("/api/v1/federation/import", file, cancellationToken);
                    if (answer.Problem is not null)
                    {
                        return await FailAsync(stderr, "import", $"refused: {answer.Problem}");
                    }

                    await stdout.WriteLineAsync($"imported: {ImportLine(answer.Body)}");
                    return ExitCodes.Ok;
                });
        });
        return command;
    }

    private static string ImportLine(JsonElement import) => string.Create(CultureInfo.InvariantCulture,
        $"{import.GetProperty("patterns").GetInt32()} patterns from {import.GetProperty("issuer").GetString()} (key {import.GetProperty("issuerKey").GetString()}), exported {import.GetProperty("exportedAt").GetDateTimeOffset().UtcDateTime:yyyy-MM-dd HH:mm:ss'Z'}");

    private static (Option<string?> Url, Option<string?> Key) HostOptions() =>
        (new Option<string?>("--url") { Description = "The host, e.g. http://localhost:5080", Required = true },
         new Option<string?>("--operator-key") { Description = "The host's operator key (or set HG_OPERATOR_KEY)" });

    private static Task<int> WithHostAsync(
        string verb, ParseResult parse, Option<string?> url, Option<string?> key, Func<OperatorClient, TextWriter, TextWriter, Task<int>> run) =>
        OperatorClient.RunAsync("hg federation", verb, parse, url, key, run);

    private static Task<int> UsageAsync(TextWriter error, string verb, string message) => OperatorClient.UsageAsync(error, "hg federation", verb, message);

    private static Task<int> FailAsync(TextWriter error, string verb, string problem) => OperatorClient.FailAsync(error, "hg federation", verb, problem);
}
