namespace HealingGrains.Core.Healing;

/// <summary>One ranked candidate fix with its posterior, confidence and the evidence behind it.</summary>
public sealed record Recommendation(
    string Kind,
    double Alpha,
    double Beta,
    double Mean,
    double Confidence,
    double Score,
    RecommendationEvidence Evidence,
    string Reasoning);

/// <summary>The (time-decayed) counts behind a recommendation, by source.</summary>
public sealed record RecommendationEvidence(
    double OwnSuccesses,
    double OwnFailures,
    double SimilarSuccesses,
    double SimilarFailures,
    int SimilarFingerprints,
    double CorrelationSuccesses,
    string? FollowsVersion)
{
    /// <summary>The fix predictor's pseudo-successes.</summary>
    public double PredictedSuccesses { get; init; }

    /// <summary>The fix predictor's pseudo-failures.</summary>
    public double PredictedFailures { get; init; }

    /// <summary>Federated pseudo-successes (capped).</summary>
    public double FederatedSuccesses { get; init; }

    /// <summary>Federated pseudo-failures (capped).</summary>
    public double FederatedFailures { get; init; }

    /// <summary>The outcomes behind the federated estimate (0 when federation did not contribute).</summary>
    public double FederatedCases { get; init; }

    /// <summary>The organisations behind the federated estimate (0 when federation did not contribute).</summary>
    public int FederatedOrganisations { get; init; }

    /// <summary>The federated success estimate (0 when federation did not contribute).</summary>
    public double FederatedSuccessRate { get; init; }

    /// <summary>Pseudo-successes from an installed module's rule (0 when none proposes this kind).</summary>
    public double RuleSuccesses { get; init; }

    /// <summary>The installed module's rule behind <see cref="RuleSuccesses"/>.</summary>
    public string? RuleSource { get; init; }
}
