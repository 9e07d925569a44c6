namespace HealingGrains.Abstractions.Contracts;

/// <summary>A tenant's grouping decisions: which fingerprints were merged into which, and which were split by template.</summary>
[GenerateSerializer, Alias("HealingGrains.FingerprintGrouping")]
public sealed class FingerprintGrouping
{
    /// <summary>The merges, oldest first.</summary>
    [Id(0)] public IReadOnlyList<FingerprintMerge> Merges { get; init; } = [];

    /// <summary>The splits, oldest first (the order in which a fingerprint's splits are tried).</summary>
    [Id(1)] public IReadOnlyList<FingerprintSplit> Splits { get; init; } = [];
}

/// <summary>An admin's decision that one fingerprint's events belong to another one.</summary>
[GenerateSerializer, Alias("HealingGrains.FingerprintMerge")]
public sealed class FingerprintMerge
{
    /// <summary>The merged fingerprint (the source).</summary>
    [Id(0)] public required string Fingerprint { get; init; }

    /// <summary>The fingerprint it was merged into (the target).</summary>
    [Id(1)] public required string Into { get; init; }

    /// <summary>Who decided: <c>admin:&lt;name&gt;</c>.</summary>
    [Id(2)] public required string By { get; init; }

    /// <summary>When.</summary>
    [Id(3)] public DateTimeOffset At { get; init; }

    /// <summary>Why, in the admin's words.</summary>
    [Id(4)] public string? Reason { get; init; }
}

/// <summary>An admin's decision that a fingerprint's events matching a template are a fingerprint of their own.</summary>
[GenerateSerializer, Alias("HealingGrains.FingerprintSplit")]
public sealed class FingerprintSplit
{
    /// <summary>The fingerprint that was split.</summary>
    [Id(0)] public required string Fingerprint { get; init; }

    /// <summary>The pattern, tokens joined by single spaces, variables as <c>&lt;*&gt;</c>.</summary>
    [Id(1)] public required string Template { get; init; }

    /// <summary>The id of the fingerprint split off.</summary>
    [Id(2)] public required string Into { get; init; }

    /// <summary>Who decided: <c>admin:&lt;name&gt;</c>.</summary>
    [Id(3)] public required string By { get; init; }

    /// <summary>When.</summary>
    [Id(4)] public DateTimeOffset At { get; init; }

    /// <summary>Why, in the admin's words.</summary>
    [Id(5)] public string? Reason { get; init; }
}
