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
        // Learning speed: fresh miners over the lines, after untimed passes that let the JIT compiler settle (tiered
        // compilation recompiles hot code after a delay); the median of five timed passes.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.ElapsedMilliseconds < 1000)
        {
            Learn(records, options);
        }

        var seconds = Enumerable.Range(0, 5).Select(_ =>
        {
            var watch = Stopwatch.StartNew();
            Learn(records, options);
            return watch.Elapsed.TotalSeconds;
        }).Order().ToList()[2];

        var miner = new TemplateMiner(options);
        var ids = new string[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            ids[i] = miner.Add(records[i].Content).ClusterId;
        }

        var templates = ids.Select(miner.GetTemplate).ToList();
        return new LoghubResult(
            system,
            records.Count,
            ParsingMetrics.GroupingAccuracy([.. records.Select(r => r.EventId)], ids),
            ParsingMetrics.ParsingAccuracy([.. records.Select(r => r.EventTemplate)], templates),
            ids.Distinct(StringComparer.Ordinal).Count(),
            records.Select(r => r.EventId).Distinct(StringComparer.Ordinal).Count(),
            records.Count / Math.Max(seconds, 1e-9));
    }

    private static void Learn(IReadOnlyList<LoghubRecord> records, TemplateMinerOptions? options)
    {
        var miner = new TemplateMiner(options);
        foreach (var record in records)
        {
            miner.Add(record.Content);
        }
    }
}
