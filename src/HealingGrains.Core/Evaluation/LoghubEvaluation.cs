using System.Diagnostics;
using HealingGrains.Core.Fingerprinting;

namespace HealingGrains.Core.Evaluation;

/// <summary>How one fresh miner did on one Loghub system.</summary>
public sealed record LoghubResult(
    string System, int Lines, double GroupingAccuracy, double ParsingAccuracy, int GroupsFound, int TrueGroups, double LinesPerSecond);

/// <summary>Runs the miner over Loghub systems as the benchmark prescribes: one fresh miner per system, templates read after all input.</summary>
public static class LoghubEvaluation
{
    /// <summary>The structured CSV files under <paramref name="directory"/> (any depth), by system name.</summary>
    public static IReadOnlyList<(string System, string Path)> FindSystems(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*_2k.log_structured.csv", SearchOption.AllDirectories)
            .Select(p => (System: System.IO.Path.GetFileName(p)[..^"_2k.log_structured.csv".Length], Path: p))
            .OrderBy(s => s.System, StringComparer.Ordinal)];

    /// <summary>Evaluates one system's file.</summary>
    public static LoghubResult Run(string system, IReadOnlyList<LoghubRecord> records, TemplateMinerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        // One untimed pass first, so that the timed one measures the miner rather than the JIT compiler.
        var warmUp = new TemplateMiner(options);
        foreach (var record in records)
        {
            warmUp.Add(record.Content);
        }

        var miner = new TemplateMiner(options);
        var ids = new string[records.Count];
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < records.Count; i++)
        {
            ids[i] = miner.Add(records[i].Content).ClusterId;
        }

        watch.Stop();
        var templates = ids.Select(miner.GetTemplate).ToList();
        return new LoghubResult(
            system,
            records.Count,
            ParsingMetrics.GroupingAccuracy([.. records.Select(r => r.EventId)], ids),
            ParsingMetrics.ParsingAccuracy([.. records.Select(r => r.EventTemplate)], templates),
            ids.Distinct(StringComparer.Ordinal).Count(),
            records.Select(r => r.EventId).Distinct(StringComparer.Ordinal).Count(),
            records.Count / Math.Max(watch.Elapsed.TotalSeconds, 1e-9));
    }
}
