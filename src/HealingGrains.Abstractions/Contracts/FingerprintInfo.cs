namespace HealingGrains.Abstractions.Contracts;

/// <summary>A fingerprint as the API shows it.</summary>
[GenerateSerializer, Alias("HealingGrains.FingerprintInfo")]
public sealed class FingerprintInfo
{
    /// <summary>The fingerprint id.</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>The current template.</summary>
    [Id(1)] public required string Template { get; init; }

    /// <summary>The exception type, if any.</summary>
    [Id(2)] public string? ExceptionType { get; init; }

    /// <summary>An example raw message.</summary>
    [Id(3)] public required string SampleMessage { get; init; }

    /// <summary>All occurrences ever.</summary>
    [Id(4)] public long Count { get; init; }

    /// <summary>The earliest occurrence.</summary>
    [Id(5)] public DateTimeOffset FirstSeen { get; init; }

    /// <summary>The latest occurrence.</summary>
    [Id(6)] public DateTimeOffset LastSeen { get; init; }

    /// <summary>The deployments it was seen on.</summary>
    [Id(7)] public IReadOnlyList<string> Deployments { get; init; } = [];

    /// <summary>How the fingerprint was derived.</summary>
    [Id(8)] public FingerprintSource Source { get; init; }

    /// <summary>Occurrences per minute over the last 24 hours, only minutes with occurrences, oldest first.</summary>
    [Id(9)] public IReadOnlyList<MinuteCount> PerMinute { get; init; } = [];

    /// <summary>The latest service version it was seen on.</summary>
    [Id(10)] public string? LastVersion { get; init; }

    /// <summary>The fingerprint an admin merged this one into, if any: its later events land there.</summary>
    [Id(11)] public string? MergedInto { get; init; }

    /// <summary>The fingerprint this one was split off, if any.</summary>
    [Id(12)] public string? SplitFrom { get; init; }

    /// <summary>The fingerprints merged into this one.</summary>
    [Id(13)] public IReadOnlyList<string> MergedFrom { get; init; } = [];

    /// <summary>The error's category, when known.</summary>
    [Id(14)] public string? Category { get; init; }

    /// <summary>Who gave the category: a classifier version or <c>admin:&lt;name&gt;</c>.</summary>
    [Id(15)] public string? CategorySource { get; init; }
}
