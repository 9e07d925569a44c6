using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Abstractions.State;

/// <summary>The persisted state of a fingerprint.</summary>
[GenerateSerializer, Alias("HealingGrains.FingerprintState")]
public sealed class FingerprintState
{
    /// <summary>The current template; null until the first occurrence.</summary>
    [Id(0)] public string? Template { get; set; }

    /// <summary>The exception type, if any.</summary>
    [Id(1)] public string? ExceptionType { get; set; }

    /// <summary>An example raw message (the first one seen).</summary>
    [Id(2)] public string SampleMessage { get; set; } = "";

    /// <summary>All occurrences ever.</summary>
    [Id(3)] public long Count { get; set; }

    /// <summary>Earliest occurrence.</summary>
    [Id(4)] public DateTimeOffset FirstSeen { get; set; }

    /// <summary>Latest occurrence.</summary>
    [Id(5)] public DateTimeOffset LastSeen { get; set; }

    /// <summary>Deployments it was seen on.</summary>
    [Id(6)] public SortedSet<string> Deployments { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Occurrences per minute (key: Unix minute), only the last 24 hours are kept.</summary>
    [Id(7)] public SortedDictionary<long, long> PerMinute { get; set; } = [];

    /// <summary>How the fingerprint was derived.</summary>
    [Id(8)] public FingerprintSource Source { get; set; }

    /// <summary>The latest service version it was seen on.</summary>
    [Id(9)] public string? LastVersion { get; set; }

    /// <summary>Time-decayed outcome counts per action kind.</summary>
    [Id(10)] public Dictionary<string, FixCounts> Fixes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The latest outcomes of fixes on it, newest last (at most 50).</summary>
    [Id(11)] public List<FixRecord> RecentFixes { get; set; } = [];

    /// <summary>The fingerprint an admin merged this one into; its later events land there.</summary>
    [Id(12)] public string? MergedInto { get; set; }

    /// <summary>The fingerprint this one was split off by an admin's template.</summary>
    [Id(13)] public string? SplitFrom { get; set; }

    /// <summary>Fingerprints merged into this one, with the occurrences absorbed from each (absorbed once).</summary>
    [Id(14)] public SortedDictionary<string, long> Absorbed { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The error's category: the classifier's latest, or an admin's correction, which the classifier never overrides.</summary>
    [Id(15)] public string? Category { get; set; }

    /// <summary>Who gave the category: a classifier version (<c>ErrorClassifier/3</c>) or <c>admin:&lt;name&gt;</c>.</summary>
    [Id(16)] public string? CategorySource { get; set; }

    /// <summary>Superseded by <see cref="AppliedLog"/>: read once from state stored before it, then emptied.</summary>
    [Id(17)] public List<AppliedBatch>? AppliedBatches { get; set; }

    /// <summary>
    /// The batches applied lately, oldest first, so that a batch a stream delivers again is not counted twice: 20 bytes
    /// an entry (the batch id, then the Unix second it was applied), one block to store.
    /// </summary>
    [Id(18)] public byte[] AppliedLog { get; set; } = [];
}
