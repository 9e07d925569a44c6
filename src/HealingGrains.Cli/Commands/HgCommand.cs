using System.CommandLine;

namespace HealingGrains.Cli.Commands;

/// <summary>The <c>hg</c> command tree.</summary>
internal static class HgCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("hg: the HealingGrains command line: fingerprint logs, send telemetry, evaluate, manage models and federation.");
        root.Subcommands.Add(Fingerprint());
        root.Subcommands.Add(Send());
        root.Subcommands.Add(Detect());
        root.Subcommands.Add(Eval());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(FederationCommand.Create());
        root.Subcommands.Add(LoadCommand.Create());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; arguments the parser rejects exit with <see cref="ExitCodes.Usage"/>, as the commands' own checks do.</summary>
    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null, CancellationToken cancellationToken = default)
    {
        var parse = Create().Parse(args);
        var exit = await parse.InvokeAsync(configuration, cancellationToken);
        return parse.Errors.Count > 0 ? ExitCodes.Usage : exit;
    }

    private static Command Fingerprint()
    {
        var command = new Command("fingerprint",
            "Reads one log message per line on stdin; writes '<fingerprint id>\\t<template>' per line, templates as of the end of the input.");
        command.SetAction((_, cancellationToken) => FingerprintCommand.RunAsync(Console.In, Console.Out, cancellationToken));
        return command;
    }

    private static Command Send()
    {
        var url = new Option<string>("--url") { Description = "The host, e.g. http://localhost:5080", Required = true };
        var key = new Option<string>("--key") { Description = "An ingest key (or set HG_INGEST_KEY)" };
        var deployment = new Option<string>("--deployment") { Description = "The registered deployment the events come from", Required = true };
        var file = new Option<FileInfo?>("--file") { Description = "JSON lines, one telemetry event per line (default: stdin)" };
        var command = new Command("send", "Sends telemetry events (JSON lines) to a host in batches within the API's limits.")
        {
            url, key, deployment, file,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var apiKey = parse.GetValue(key) ?? Environment.GetEnvironmentVariable("HG_INGEST_KEY");
            if (string.IsNullOrWhiteSpace(apiKey))
            {
                await Console.Error.WriteLineAsync("hg send: give an ingest key with --key or HG_INGEST_KEY.");
                return ExitCodes.Usage;
            }

            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var host) || host.Scheme is not ("http" or "https"))
            {
                await Console.Error.WriteLineAsync($"hg send: --url '{parse.GetValue(url)}' is not an http(s) address such as http://localhost:5080.");
                return ExitCodes.Usage;
            }

            var source = parse.GetValue(file);
            if (source is { Exists: false })
            {
                await Console.Error.WriteLineAsync($"hg send: {source.FullName} does not exist.");
                return ExitCodes.Usage;
            }

            using var reader = source is null ? Console.In : source.OpenText();
            using var http = new HttpClient { BaseAddress = host, Timeout = TimeSpan.FromSeconds(100) };
            var sender = new TelemetrySender(http, apiKey, Console.Error);
            var summary = await sender.SendAsync(parse.GetValue(deployment)!, reader, cancellationToken);
            await Console.Out.WriteLineAsync(summary.ToString());
            return summary.Failed ? ExitCodes.Failure : ExitCodes.Ok;
        });
        return command;
    }

    private static Command Eval()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "The folder of Loghub-2k systems (*_2k.log_structured.csv)", Required = true };
        var loghub = new Command("loghub", "Runs one fresh miner per Loghub system and prints grouping and parsing accuracy, groups and lines per second.")
        {
            data,
        };
        loghub.SetAction((parse, cancellationToken) => EvalLoghubCommand.RunAsync(parse.GetValue(data)!, Console.Out, Console.Error, cancellationToken));

        var nabData = new Option<DirectoryInfo>("--data") { Description = "A NAB corpus: data/<category>/<file>.csv and labels/combined_windows.json", Required = true };
        var results = new Option<DirectoryInfo?>("--results") { Description = "Score these anomaly scores (files as hg detect writes them, same relative paths) instead of running the detector" };
        var nab = new Command("nab", "Scores anomaly detection on a NAB corpus with the NAB v1.1 rules and prints the standard, low-FP and low-FN profile scores.")
        {
            nabData, results,
        };
        nab.SetAction((parse, cancellationToken) => EvalNabCommand.RunAsync(parse.GetValue(nabData)!, parse.GetValue(results), Console.Out, Console.Error, cancellationToken));
        return new Command("eval", "Evaluates the project's algorithms on public benchmark data.") { loghub, nab };
    }

    private static Command Detect()
    {
        var input = new Option<DirectoryInfo>("--input-dir") { Description = "A folder of timestamp,value CSV files (searched recursively)", Required = true };
        var output = new Option<DirectoryInfo>("--output-dir") { Description = "Where to write timestamp,value,anomaly_score under the same relative paths", Required = true };
        var command = new Command("detect", "Scores every point of every *.csv with the streaming anomaly detector: a row's score uses only the rows before it and itself.")
        {
            input, output,
        };
        command.SetAction((parse, cancellationToken) => DetectCommand.RunAsync(parse.GetValue(input)!, parse.GetValue(output)!, Console.Error, cancellationToken));
        return command;
    }
}
