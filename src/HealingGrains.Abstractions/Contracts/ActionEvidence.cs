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

    /// <summary>The fix predictor's capped pseudo-successes for the proposed kind.</summary>
    [Id(13)] public double PredictedSuccesses { get; init; }

    /// <summary>The fix predictor's capped pseudo-failures for the proposed kind.</summary>
    [Id(14)] public double PredictedFailures { get; init; }

    /// <summary>The error's category, when known.</summary>
    [Id(15)] public string? Category { get; init; }

    /// <summary>The action's context when it was proposed: what the risk assessor read, and what it learns from.</summary>
    [Id(16)] public ActionContext? Context { get; init; }

    /// <summary>For a preventive action: the failure prediction that led to it.</summary>
    [Id(17)] public ForecastEvidence? Forecast { get; init; }

    /// <summary>Federated pseudo-successes for the proposed kind (capped); 0 when federation did not contribute.</summary>
    [Id(18)] public double FederatedSuccesses { get; init; }

    /// <summary>Federated pseudo-failures for the proposed kind (capped).</summary>
    [Id(19)] public double FederatedFailures { get; init; }

    /// <summary>The outcomes behind the federated estimate.</summary>
    [Id(20)] public double FederatedCases { get; init; }

    /// <summary>The organisations behind the federated estimate (0 when federation did not contribute).</summary>
    [Id(21)] public int FederatedOrganisations { get; init; }

    /// <summary>The federated success estimate.</summary>
    [Id(22)] public double FederatedSuccessRate { get; init; }

    /// <summary>Pseudo-successes an installed module's rule added to the proposed kind (0 under the fail-safe, where the rule decides).</summary>
    [Id(23)] public double RuleSuccesses { get; init; }

    /// <summary>The module rule that chose the kind (fail-safe) or added <see cref="RuleSuccesses"/>: "module version, rule id".</summary>
    [Id(24)] public string? Rule { get; init; }

    /// <summary>The deployment's latest value of each metric when the action was proposed (what module rules matched on).</summary>
    [Id(25)] public Dictionary<string, double> Metrics { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The anonymous context of an action at proposal time (no tenant, deployment or host names): the features of the
/// fix predictor and the risk assessor, recorded with the outcome as their training data.
/// </summary>
[GenerateSerializer, Alias("HealingGrains.ActionContext")]
public sealed class ActionContext
{
    [Id(0)] public required string Kind { get; init; }

    [Id(1)] public string? Category { get; init; }

    [Id(2)] public string? ExceptionType { get; init; }

    [Id(3)] public bool FollowsVersion { get; init; }

    /// <summary>Minutes since the running version was deployed; null when no version is known.</summary>
    [Id(4)] public double? DeploymentAgeMinutes { get; init; }

    /// <summary>Versions deployed in the 24 hours before the proposal.</summary>
    [Id(5)] public int VersionsLast24Hours { get; init; }

    /// <summary>Minutes since the deployment's previous proposal; null when it had none.</summary>
    [Id(6)] public double? MinutesSinceLastAction { get; init; }

    [Id(7)] public bool Production { get; init; }

    /// <summary>instance, deployment, version or region.</summary>
    [Id(8)] public string BlastRadius { get; init; } = "deployment";

    [Id(9)] public double ErrorRatePerMinute { get; init; }

    /// <summary>The same context for another action kind (its blast radius follows the kind).</summary>
    public ActionContext With(string kind) => new()
    {
        Kind = kind,
        Category = Category,
        ExceptionType = ExceptionType,
        FollowsVersion = FollowsVersion,
        DeploymentAgeMinutes = DeploymentAgeMinutes,
        VersionsLast24Hours = VersionsLast24Hours,
        MinutesSinceLastAction = MinutesSinceLastAction,
        Production = Production,
        BlastRadius = HealingGrains.Core.Healing.ActionScope.Of(kind),
        ErrorRatePerMinute = ErrorRatePerMinute,
    };
}
