namespace HealingGrains.Abstractions.Contracts;

/// <summary>The counts behind a proposal, by source, and the versions of what decided it.</summary>
[GenerateSerializer, Alias("HealingGrains.ActionEvidence")]
public sealed class ActionEvidence
{
    /// <summary>Time-decayed successes of this kind on this fingerprint.</summary>
    [Id(0)] public double OwnSuccesses { get; init; }

    /// <summary>Time-decayed failures of this kind on this fingerprint.</summary>
    [Id(1)] public double OwnFailures { get; init; }

    /// <summary>Capped pseudo-successes from similar fingerprints.</summary>
    [Id(2)] public double SimilarSuccesses { get; init; }

    /// <summary>Capped pseudo-failures from similar fingerprints.</summary>
    [Id(3)] public double SimilarFailures { get; init; }

    /// <summary>How many similar fingerprints contributed.</summary>
    [Id(4)] public int SimilarFingerprints { get; init; }

    /// <summary>Pseudo-successes from the error following a new version.</summary>
    [Id(5)] public double CorrelationSuccesses { get; init; }

    /// <summary>The version the error followed, if any.</summary>
    [Id(6)] public string? FollowsVersion { get; init; }

    /// <summary>The model (or rule book) versions used, by role.</summary>
    [Id(7)] public Dictionary<string, string> Models { get; init; } = [];

    /// <summary>Why the safety gate decided as it did.</summary>
    [Id(8)] public List<string> Gate { get; init; } = [];

    /// <summary>The policy version in force.</summary>
    [Id(9)] public int PolicyVersion { get; init; }

    /// <summary>The posterior's parameters and mean for the proposed kind.</summary>
    [Id(10)] public double Alpha { get; init; }

    [Id(11)] public double Beta { get; init; }

    [Id(12)] public double Mean { get; init; }
}
