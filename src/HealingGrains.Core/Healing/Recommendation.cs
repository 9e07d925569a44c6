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
}
