namespace HealingGrains.Abstractions.Contracts;

/// <summary>A healing action: one proposed fix for one fingerprint on one deployment, through its lifecycle.</summary>
[GenerateSerializer, Alias("HealingGrains.HealingActionInfo")]
public sealed class HealingActionInfo
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public required string Deployment { get; init; }

    [Id(2)] public required string Fingerprint { get; init; }

    [Id(3)] public required string Kind { get; init; }

    [Id(4)] public Dictionary<string, string> Parameters { get; init; } = [];

    [Id(5)] public ActionState State { get; set; }

    /// <summary>The lower credible bound of the kind's success probability (0 for rule-based proposals).</summary>
    [Id(6)] public double Confidence { get; init; }

    [Id(7)] public double Risk { get; init; }

    [Id(8)] public required string Reasoning { get; init; }

    [Id(9)] public required ActionEvidence Evidence { get; init; }

    /// <summary>The action that would undo this one, recorded before it runs.</summary>
    [Id(10)] public string? RollbackKind { get; init; }

    [Id(11)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary><c>policy</c> or <c>admin:&lt;name&gt;</c>, once decided.</summary>
    [Id(12)] public string? DecidedBy { get; set; }

    [Id(13)] public DateTimeOffset? DecidedAt { get; set; }

    [Id(14)] public string? Comment { get; set; }

    [Id(15)] public ActionOutcome? Outcome { get; set; }

    [Id(16)] public DateTimeOffset ExpiresAt { get; init; }

    [Id(17)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>For a rollback proposed after a failed action: that action's id.</summary>
    [Id(18)] public string? RollbackOf { get; init; }

    /// <summary>The deployment's version when the action was proposed.</summary>
    [Id(19)] public string? VersionBefore { get; init; }

    /// <summary>The fingerprint's occurrences per minute over the last 10 minutes when proposed.</summary>
    [Id(20)] public double ErrorRateBefore { get; init; }

    /// <summary>Whether the gate approved it without a human.</summary>
    [Id(21)] public bool AutoApproved { get; init; }

    /// <summary>Whether it was proposed to prevent a predicted failure (its evidence then holds the forecast).</summary>
    [Id(22)] public bool Preventive { get; init; }

    /// <summary>For a preventive action, whether the predicted failure happened; null until verified.</summary>
    [Id(23)] public ActionVerification? Verification { get; set; }

    /// <summary>
    /// The error's anonymous federation signature, computed when the action was proposed for a tenant that takes part in
    /// federation; its outcome is shared under it if the tenant shares when the outcome arrives. Null otherwise.
    /// </summary>
    [Id(24)] public string? FederationSignature { get; init; }
}
