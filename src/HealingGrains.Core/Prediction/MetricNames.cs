using HealingGrains.Core.Healing;

namespace HealingGrains.Core.Prediction;

/// <summary>What a metric measures, as far as its name tells, and so what prevents its failure.</summary>
public enum MetricClass
{
    /// <summary>Nothing known: scored and kept, never acted upon.</summary>
    Unknown,

    /// <summary>Memory or heap: restart before exhaustion, else scale out.</summary>
    Memory,

    /// <summary>Queues, backlogs, lag and latency: shed load, else scale out.</summary>
    Queue,

    /// <summary>Disks and file systems: clear caches, else restart.</summary>
    Disk,

    /// <summary>CPU, load, requests, connections and any other utilisation: scale out, else shed load.</summary>
    Load,
}

/// <summary>
/// The naming rule that turns a metric's name into its class, its limit and its preventive actions. Names are compared
/// case-insensitively, word by word (words are split at <c>. _ - / :</c> and spaces), first match wins in the order
/// memory, queue, disk, load.
/// </summary>
public static class MetricNames
{
    private static readonly char[] Separators = ['.', '_', '-', '/', ':', ' '];

    private static readonly (MetricClass Class, string[] Words)[] Classes =
    [
        (MetricClass.Memory, ["memory", "mem", "heap", "rss"]),
        (MetricClass.Queue, ["queue", "backlog", "lag", "latency", "duration", "pending", "waiting"]),
        (MetricClass.Disk, ["disk", "filesystem", "fs", "volume", "inode", "inodes"]),
        (MetricClass.Load, ["cpu", "load", "requests", "rps", "throughput", "concurrency", "connections", "threads", "utilization", "utilisation", "util", "usage", "saturation"]),
    ];

    // Words that say the value is a share of a limit; a memory or CPU metric in bytes or seconds has no known limit.
    private static readonly string[] FractionWords = ["utilization", "utilisation", "usage", "saturation", "ratio", "fraction", "used", "util"];

    private static readonly string[] PercentWords = ["percent", "percentage", "pct", "%"];

    /// <summary>The class of the metric named <paramref name="name"/>.</summary>
    public static MetricClass Classify(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var words = Words(name);
        foreach (var (metricClass, classWords) in Classes)
        {
            if (words.Overlaps(classWords))
            {
                return metricClass;
            }
        }

        return MetricClass.Unknown;
    }

    /// <summary>
    /// The value at which a saturation metric is exhausted, or null when it is none. A saturation metric has a class
    /// (<see cref="Classify"/>) and says it is a share: <c>percent</c>, <c>pct</c> or <c>%</c> (limit 100), or
    /// <c>utilization</c>, <c>usage</c>, <c>saturation</c>, <c>ratio</c>, <c>fraction</c>, <c>used</c>, <c>util</c>
    /// (limit 1, or 100 once a value above 1 was seen). A value below 0 or above 100 in the window means it is no share
    /// after all (bytes, seconds, a count): null. <c>cache.hit.ratio</c> has no class and so no limit.
    /// </summary>
    public static double? Limit(string name, IReadOnlyList<MetricSample> points)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(points);
        var words = Words(name);
        var percent = words.Overlaps(PercentWords) || name.Contains('%', StringComparison.Ordinal);
        var share = percent || words.Overlaps(FractionWords);
        if (!share || Classify(name) == MetricClass.Unknown)
        {
            return null;
        }

        var min = points.Count == 0 ? 0 : points.Min(p => p.Value);
        var max = points.Count == 0 ? 0 : points.Max(p => p.Value);
        if (min < 0 || max > 100)
        {
            return null;
        }

        return percent || max > 1 ? 100 : 1;
    }

    /// <summary>The preventive action kinds for a class, preferred first.</summary>
    public static IReadOnlyList<string> PreventiveKinds(MetricClass metricClass) => metricClass switch
    {
        MetricClass.Memory => ["restart", "scale-out"],
        MetricClass.Queue => ["shed-load", "scale-out"],
        MetricClass.Disk => ["clear-cache", "restart"],
        MetricClass.Load => ["scale-out", "shed-load"],
        _ => [],
    };

    /// <summary>The healing domain of a class's failure (what the policy's <c>autoDomains</c> compare).</summary>
    public static ErrorCategory? Category(MetricClass metricClass) => metricClass switch
    {
        MetricClass.Memory => ErrorCategory.MemoryAndResources,
        MetricClass.Queue => ErrorCategory.Capacity,
        MetricClass.Disk => ErrorCategory.Storage,
        MetricClass.Load => ErrorCategory.Capacity,
        _ => null,
    };

    private static HashSet<string> Words(string name) =>
        new(name.ToLowerInvariant().Split(Separators, StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
}
