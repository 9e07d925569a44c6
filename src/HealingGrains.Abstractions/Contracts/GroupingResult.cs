namespace HealingGrains.Abstractions.Contracts;

/// <summary>How a requested merge or split went.</summary>
[GenerateSerializer, Alias("HealingGrains.GroupingStatus")]
public enum GroupingStatus
{
    /// <summary>Decided and applied.</summary>
    Ok = 0,

    /// <summary>A named fingerprint does not exist in the tenant.</summary>
    NotFound = 1,

    /// <summary>The request itself is invalid (the same fingerprint twice, an unusable template).</summary>
    Invalid = 2,

    /// <summary>Not allowed given the earlier decisions (already merged, a cycle, the same split again).</summary>
    Conflict = 3,
}

/// <summary>The result of a merge or split and the fingerprint it leads to.</summary>
[GenerateSerializer, Alias("HealingGrains.GroupingResult")]
public sealed class GroupingResult
{
    [Id(0)] public GroupingStatus Status { get; init; }

    /// <summary>The merge's target or the fingerprint split off, when <see cref="Status"/> is <see cref="GroupingStatus.Ok"/>.</summary>
    [Id(1)] public FingerprintInfo? Fingerprint { get; init; }

    /// <summary>What was wrong, in words for the admin.</summary>
    [Id(2)] public string? Problem { get; init; }
}
