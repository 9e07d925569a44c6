namespace HealingGrains.Abstractions.Contracts;

/// <summary>Time-decayed outcome counts of one action kind on one fingerprint, as of a moment.</summary>
[GenerateSerializer, Alias("HealingGrains.FixCounts")]
public sealed class FixCounts
{
    [Id(0)] public double Successes { get; init; }

    [Id(1)] public double Failures { get; init; }

    [Id(2)] public DateTimeOffset AsOf { get; init; }
}

/// <summary>One fix's outcome on a fingerprint.</summary>
[GenerateSerializer, Alias("HealingGrains.FixRecord")]
public sealed class FixRecord
{
    [Id(0)] public required string ActionId { get; init; }

    [Id(1)] public required string Kind { get; init; }

    [Id(2)] public bool Succeeded { get; init; }

    [Id(3)] public DateTimeOffset At { get; init; }

    [Id(4)] public string? Deployment { get; init; }
}

/// <summary>What the recommender needs to know about one fingerprint.</summary>
[GenerateSerializer, Alias("HealingGrains.FingerprintFacts")]
public sealed class FingerprintFacts
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public string? ExceptionType { get; init; }

    [Id(2)] public DateTimeOffset FirstSeen { get; init; }

    /// <summary>Outcome counts per action kind.</summary>
    [Id(3)] public Dictionary<string, FixCounts> Fixes { get; init; } = [];

    /// <summary>Occurrences per minute over the last ten minutes.</summary>
    [Id(4)] public double RecentRatePerMinute { get; init; }

    /// <summary>The latest outcomes of fixes, newest last.</summary>
    [Id(5)] public IReadOnlyList<FixRecord> RecentFixes { get; init; } = [];

    /// <summary>The error's category, when known.</summary>
    [Id(6)] public string? Category { get; init; }

    /// <summary>Who gave the category (a classifier version or an admin).</summary>
    [Id(7)] public string? CategorySource { get; init; }

    /// <summary>The fingerprint's current template.</summary>
    [Id(8)] public string? Template { get; init; }
}

/// <summary>A fingerprint that just occurred on a deployment.</summary>
[GenerateSerializer, Immutable, Alias("HealingGrains.FingerprintOccurrence")]
public sealed class FingerprintOccurrence
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public string? ExceptionType { get; init; }

    /// <summary>Its current template.</summary>
    [Id(2)] public string? Template { get; init; }

    /// <summary>When each occurrence in the batch happened.</summary>
    [Id(3)] public IReadOnlyList<DateTimeOffset> OccurredAt { get; init; } = [];

    /// <summary>Its category, when classified.</summary>
    [Id(4)] public string? Category { get; init; }

    /// <summary>
    /// The tenant's own words around these occurrences (services, versions, attribute values such as hosts), which
    /// federation masks out of the template before hashing it.
    /// </summary>
    [Id(5)] public IReadOnlyList<string> Terms { get; init; } = [];
}

/// <summary>An action that reached a final state, as its deployment hears of it.</summary>
[GenerateSerializer, Alias("HealingGrains.ActionClosure")]
public sealed class ActionClosure
{
    [Id(0)] public required string ActionId { get; init; }

    [Id(1)] public required string Fingerprint { get; init; }

    [Id(2)] public required string Kind { get; init; }

    [Id(3)] public ActionState State { get; init; }

    [Id(4)] public bool AutoApproved { get; init; }

    /// <summary>Whether the action was preventive (its failure undoes no deployment: no rollback plan is proposed).</summary>
    [Id(5)] public bool Preventive { get; init; }
}
