using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Silo.Api;

/// <summary>An action as the public contract shows it.</summary>
public sealed class ActionResponse
{
    public required string Id { get; init; }

    public required string Deployment { get; init; }

    public required string Fingerprint { get; init; }

    public required string Kind { get; init; }

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    public required string State { get; init; }

    /// <summary>The lower credible bound of the success probability that auto-approval compares with the threshold.</summary>
    public double Confidence { get; init; }

    public double Risk { get; init; }

    public required string Reasoning { get; init; }

    public required EvidenceResponse Evidence { get; init; }

    public RollbackResponse? Rollback { get; init; }

    public string? RollbackOf { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? Comment { get; init; }

    public OutcomeResponse? Outcome { get; init; }

    /// <summary>Whether the action was proposed to prevent a predicted failure (its evidence then holds the forecast).</summary>
    public bool Preventive { get; init; }

    /// <summary>For a preventive action, what happened after the predicted time; null until verified.</summary>
    public VerificationResponse? Verification { get; init; }

    public static ActionResponse From(HealingActionInfo a) => new()
    {
        Id = a.Id,
        Deployment = a.Deployment,
        Fingerprint = a.Fingerprint,
        Kind = a.Kind,
        Parameters = a.Parameters,
        State = a.State.ToString(),
        Confidence = Math.Round(a.Confidence, 4),
        Risk = a.Risk,
        Reasoning = a.Reasoning,
        Evidence = new EvidenceResponse
        {
            Fingerprint = new CountsResponse { Successes = Math.Round(a.Evidence.OwnSuccesses, 2), Failures = Math.Round(a.Evidence.OwnFailures, 2) },
            Similar = new SimilarResponse
            {
                Successes = Math.Round(a.Evidence.SimilarSuccesses, 2),
                Failures = Math.Round(a.Evidence.SimilarFailures, 2),
                Fingerprints = a.Evidence.SimilarFingerprints,
            },
            Correlation = a.Evidence.FollowsVersion is null ? null : new CorrelationResponse
            {
                FollowsVersion = a.Evidence.FollowsVersion,
                PseudoSuccesses = a.Evidence.CorrelationSuccesses,
            },
            Posterior = new PosteriorResponse { Alpha = Math.Round(a.Evidence.Alpha, 3), Beta = Math.Round(a.Evidence.Beta, 3), Mean = Math.Round(a.Evidence.Mean, 4) },
            Federated = a.Evidence.FederatedOrganisations == 0 ? null : new FederatedResponse
            {
                Successes = Math.Round(a.Evidence.FederatedSuccesses, 2),
                Failures = Math.Round(a.Evidence.FederatedFailures, 2),
                Organisations = a.Evidence.FederatedOrganisations,
                Cases = Math.Round(a.Evidence.FederatedCases, 1),
                SuccessRate = Math.Round(a.Evidence.FederatedSuccessRate, 4),
            },
            Predicted = a.Evidence.PredictedSuccesses == 0 && a.Evidence.PredictedFailures == 0 ? null : new CountsResponse
            {
                Successes = Math.Round(a.Evidence.PredictedSuccesses, 2),
                Failures = Math.Round(a.Evidence.PredictedFailures, 2),
            },
            Rule = a.Evidence.Rule is { } rule ? new RuleResponse { Source = rule, PseudoSuccesses = a.Evidence.RuleSuccesses } : null,
            Metrics = a.Evidence.Metrics.Count == 0 ? null : a.Evidence.Metrics,
            Category = a.Evidence.Category,
            Context = a.Evidence.Context is { } context ? ContextResponse.From(context) : null,
            Models = a.Evidence.Models,
            Gate = a.Evidence.Gate,
            PolicyVersion = a.Evidence.PolicyVersion,
            Forecast = a.Evidence.Forecast is { } forecast ? ForecastResponse.From(forecast) : null,
        },
        Rollback = a.RollbackKind is null ? null : new RollbackResponse { Kind = a.RollbackKind },
        RollbackOf = a.RollbackOf,
        CreatedAt = a.CreatedAt,
        UpdatedAt = a.UpdatedAt,
        ExpiresAt = a.State == ActionState.PendingApproval ? a.ExpiresAt : null,
        DecidedBy = a.DecidedBy,
        DecidedAt = a.DecidedAt,
        Comment = a.Comment,
        Outcome = a.Outcome is null ? null : new OutcomeResponse { Succeeded = a.Outcome.Succeeded, Detail = a.Outcome.Detail, ReportedAt = a.Outcome.ReportedAt },
        Preventive = a.Preventive,
        Verification = a.Verification is { } v ? new VerificationResponse
        {
            Result = v.Result,
            Happened = v.Happened,
            Reason = v.Reason,
            VerifiedAt = v.VerifiedAt,
            Peak = v.Peak,
            ErrorRateBefore = Math.Round(v.ErrorRateBefore, 4),
            ErrorRateDuring = Math.Round(v.ErrorRateDuring, 4),
            WatchedUntil = v.WatchedUntil,
        } : null,
    };
}

public sealed class EvidenceResponse
{
    public required CountsResponse Fingerprint { get; init; }

    public required SimilarResponse Similar { get; init; }

    public CorrelationResponse? Correlation { get; init; }

    /// <summary>Other organisations' outcomes as capped pseudo-counts, with what stands behind them; null when federation did not contribute.</summary>
    public FederatedResponse? Federated { get; init; }

    /// <summary>The fix predictor's capped pseudo-counts for the proposed kind; null when it did not contribute.</summary>
    public CountsResponse? Predicted { get; init; }

    public required PosteriorResponse Posterior { get; init; }

    /// <summary>The module rule that chose the kind under the fail-safe, or that added pseudo-successes to it; null when none matched.</summary>
    public RuleResponse? Rule { get; init; }

    /// <summary>The deployment's latest metric values when the action was proposed; null when it reports none.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>The error's category when the action was proposed, if known.</summary>
    public string? Category { get; init; }

    /// <summary>What the risk assessor read when the action was proposed; null for actions older than the models.</summary>
    public ContextResponse? Context { get; init; }

    public IReadOnlyDictionary<string, string> Models { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Gate { get; init; } = [];

    public int PolicyVersion { get; init; }

    /// <summary>For a preventive action: the failure prediction that led to it; null otherwise.</summary>
    public ForecastResponse? Forecast { get; init; }
}

/// <summary>A failure prediction from one metric (see <see cref="ForecastEvidence"/>).</summary>
public sealed class ForecastResponse
{
    public required string Metric { get; init; }

    /// <summary>The saturation limit (1 or 100); null when the metric has none.</summary>
    public double? Limit { get; init; }

    /// <summary>The latest value.</summary>
    public double Current { get; init; }

    /// <summary>The trend's smoothed value and slope per minute, when a trend is known.</summary>
    public double? Trend { get; init; }

    public double? SlopePerMinute { get; init; }

    /// <summary>Minutes until the trend reaches the limit; null when it does not.</summary>
    public double? MinutesToLimit { get; init; }

    public double HorizonMinutes { get; init; }

    /// <summary>P(limit within the horizon), the anomaly probability and the share of it that counted, and their combination.</summary>
    public double ForecastProbability { get; init; }

    public double AnomalyProbability { get; init; }

    public double AnomalyWeight { get; init; }

    public double Probability { get; init; }

    /// <summary>The tenant's intervention threshold the probability was compared with, when it was.</summary>
    public double? InterventionThreshold { get; init; }

    /// <summary>The latest point's timestamp, and when the failure is expected at the latest.</summary>
    public DateTimeOffset At { get; init; }

    public DateTimeOffset FailureExpectedBy { get; init; }

    public required string Summary { get; init; }

    public static ForecastResponse From(ForecastEvidence f) => new()
    {
        Metric = f.Metric,
        Limit = f.Limit,
        Current = f.Current,
        Trend = f.Trend is { } trend ? Math.Round(trend, 6) : null,
        SlopePerMinute = f.SlopePerMinute is { } slope ? Math.Round(slope, 8) : null,
        MinutesToLimit = f.MinutesToLimit is { } minutes ? Math.Round(minutes, 2) : null,
        HorizonMinutes = f.HorizonMinutes,
        ForecastProbability = Math.Round(f.ForecastProbability, 4),
        AnomalyProbability = Math.Round(f.AnomalyProbability, 4),
        AnomalyWeight = Math.Round(f.AnomalyWeight, 4),
        Probability = Math.Round(f.Probability, 4),
        InterventionThreshold = f.InterventionThreshold,
        At = f.At,
        FailureExpectedBy = f.FailureExpectedBy,
        Summary = f.Summary,
    };
}

/// <summary>What the verification of a preventive action found.</summary>
public sealed class VerificationResponse
{
    /// <summary><c>prevented</c>, <c>happened</c> or <c>not-happened</c>.</summary>
    public required string Result { get; init; }

    public bool Happened { get; init; }

    public required string Reason { get; init; }

    public DateTimeOffset VerifiedAt { get; init; }

    public double? Peak { get; init; }

    public double ErrorRateBefore { get; init; }

    public double ErrorRateDuring { get; init; }

    public DateTimeOffset WatchedUntil { get; init; }
}

/// <summary>An action's anonymous context at proposal time: the features of the fix predictor and the risk assessor.</summary>
public sealed class ContextResponse
{
    public required string Kind { get; init; }

    public string? Category { get; init; }

    public string? ExceptionType { get; init; }

    public bool FollowsVersion { get; init; }

    /// <summary>Minutes since the running version was deployed; null when no version is known.</summary>
    public double? DeploymentAgeMinutes { get; init; }

    public int VersionsLast24Hours { get; init; }

    /// <summary>Minutes since the deployment's previous proposal; null when it had none.</summary>
    public double? MinutesSinceLastAction { get; init; }

    public bool Production { get; init; }

    /// <summary><c>instance</c>, <c>deployment</c>, <c>version</c> or <c>region</c>.</summary>
    public required string BlastRadius { get; init; }

    public double ErrorRatePerMinute { get; init; }

    public static ContextResponse From(ActionContext c) => new()
    {
        Kind = c.Kind,
        Category = c.Category,
        ExceptionType = c.ExceptionType,
        FollowsVersion = c.FollowsVersion,
        DeploymentAgeMinutes = c.DeploymentAgeMinutes is { } age ? Math.Round(age, 2) : null,
        VersionsLast24Hours = c.VersionsLast24Hours,
        MinutesSinceLastAction = c.MinutesSinceLastAction is { } since ? Math.Round(since, 2) : null,
        Production = c.Production,
        BlastRadius = c.BlastRadius,
        ErrorRatePerMinute = Math.Round(c.ErrorRatePerMinute, 4),
    };
}

public sealed class CountsResponse
{
    public double Successes { get; init; }

    public double Failures { get; init; }
}

/// <summary>Federated evidence: the capped pseudo-counts the posterior got, and the estimate behind them.</summary>
public sealed class FederatedResponse
{
    /// <summary>Pseudo-successes added to the posterior (at most <c>HealingGrains:Federation:PriorCap</c> with the failures).</summary>
    public double Successes { get; init; }

    public double Failures { get; init; }

    /// <summary>Distinct organisations behind the estimate (at least the visibility threshold; the tenant itself not counted).</summary>
    public int Organisations { get; init; }

    /// <summary>The outcomes behind the estimate, each organisation's capped.</summary>
    public double Cases { get; init; }

    /// <summary>The robust success estimate (median across organisations).</summary>
    public double SuccessRate { get; init; }
}

public sealed class SimilarResponse
{
    public double Successes { get; init; }

    public double Failures { get; init; }

    public int Fingerprints { get; init; }
}

public sealed class CorrelationResponse
{
    public required string FollowsVersion { get; init; }

    public double PseudoSuccesses { get; init; }
}

public sealed class PosteriorResponse
{
    public double Alpha { get; init; }

    public double Beta { get; init; }

    public double Mean { get; init; }
}

public sealed class RollbackResponse
{
    public required string Kind { get; init; }
}

public sealed class OutcomeResponse
{
    public bool Succeeded { get; init; }

    public string? Detail { get; init; }

    public DateTimeOffset ReportedAt { get; init; }
}

/// <summary>Body of approve and reject.</summary>
public sealed class DecisionRequest
{
    public string? Comment { get; init; }
}

/// <summary>Body of <c>POST /api/v1/actions/{id}/outcome</c>.</summary>
public sealed class OutcomeRequest
{
    public bool? Succeeded { get; init; }

    public string? Detail { get; init; }
}

/// <summary>Body of <c>POST /api/v1/deployments/{deployment}/versions</c>.</summary>
public sealed class VersionRequest
{
    public string? Version { get; init; }

    public string? Commit { get; init; }

    public DateTimeOffset? DeployedAt { get; init; }
}

/// <summary>What <c>GET /api/v1/audit/verify</c> answers.</summary>
public sealed class AuditVerifyResponse
{
    public bool Valid { get; init; }

    public long Records { get; init; }

    public long? FirstInvalidSequence { get; init; }

    public string? Problem { get; init; }
}

/// <summary>A healing module's rule behind a proposal.</summary>
public sealed class RuleResponse
{
    /// <summary>"module version, rule id".</summary>
    public required string Source { get; init; }

    /// <summary>The pseudo-successes it added (0 when, under the fail-safe, the rule itself chose the kind).</summary>
    public double PseudoSuccesses { get; init; }
}
