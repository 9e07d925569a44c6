using System.Globalization;
using HealingGrains.Core.Evaluation;

namespace HealingGrains.Cli.Commands;

/// <summary><c>hg eval loghub</c>: the miner on every Loghub-2k system of a folder, with the benchmark's metrics.</summary>
internal static class EvalLoghubCommand
{
    public static async Task<int> RunAsync(DirectoryInfo data, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        if (!data.Exists)
        {
            await progress.WriteLineAsync($"hg eval loghub: {data.FullName} does not exist.");
            return ExitCodes.Usage;
        }

        var systems = LoghubEvaluation.FindSystems(data.FullName);
        if (systems.Count == 0)
        {
            await progress.WriteLineAsync($"hg eval loghub: no *_2k.log_structured.csv under {data.FullName}.");
            return ExitCodes.Usage;
        }

        var results = new List<LoghubResult>();
        for (var i = 0; i < systems.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await progress.WriteLineAsync($"[{i + 1}/{systems.Count}] {systems[i].System}");
            using var reader = File.OpenText(systems[i].Path);
            results.Add(LoghubEvaluation.Run(systems[i].System, LoghubCsv.Read(reader)));
        }

        await output.WriteLineAsync($"{"system",-12}{"GA",8}{"PA",8}{"groups",10}{"true",8}{"lines/s",12}");
        foreach (var r in results)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{r.System,-12}{r.GroupingAccuracy,8:F3}{r.ParsingAccuracy,8:F3}{r.GroupsFound,10}{r.TrueGroups,8}{r.LinesPerSecond,12:N0}"));
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{"mean",-12}{results.Average(r => r.GroupingAccuracy),8:F3}{results.Average(r => r.ParsingAccuracy),8:F3}"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{"lowest",-12}{results.Min(r => r.GroupingAccuracy),8:F3}{results.Min(r => r.ParsingAccuracy),8:F3}"));
        await output.WriteLineAsync("lines/s: learning from a cold start on one thread, median of 5 passes after JIT warm-up; "
            + "matching speed: tests/HealingGrains.Benchmarks");
        return ExitCodes.Ok;
    }
}
