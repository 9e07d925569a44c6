namespace HealingGrains.Core.Healing;

/// <summary>What the recommender knows when a fingerprint needs a fix.</summary>
public sealed record RecommendationRequest
{
    /// <summary>The action kinds that may be proposed (the deployment's capabilities that the policy allows).</summary>
    public required IReadOnlyList<string> Kinds { get; init; }

    /// <summary>Outcomes of each kind on this fingerprint.</summary>
    public IReadOnlyDictionary<string, DecayedCounts> Own { get; init; } = new Dictionary<string, DecayedCounts>();

    /// <summary>Outcomes of each kind on similar fingerprints of the tenant, summed.</summary>
    public IReadOnlyDictionary<string, DecayedCounts> Similar { get; init; } = new Dictionary<string, DecayedCounts>();

    /// <summary>The fix predictor's pseudo-counts per kind (already capped), when a predictor was consulted.</summary>
    public IReadOnlyDictionary<string, DecayedCounts> Predicted { get; init; } = new Dictionary<string, DecayedCounts>();

    /// <summary>
    /// Federation's priors per kind (other organisations' outcomes on this error's anonymous signature, already capped as
    /// pseudo-counts); empty when the tenant does not consume federated knowledge or the fail-safe is on.
    /// </summary>
    public IReadOnlyDictionary<string, FederatedPrior> Federated { get; init; } = new Dictionary<string, FederatedPrior>();

    /// <summary>How many similar fingerprints contributed.</summary>
    public int SimilarFingerprints { get; init; }

    /// <summary>The version whose deployment this fingerprint's first occurrence followed closely, if any.</summary>
    public string? FollowsVersion { get; init; }

    /// <summary>
    /// The kind the best-matching rule of a module the tenant installed proposes, and which rule it is ("acme.db 1.2.0,
    /// rule pool-exhausted"); that kind gets <see cref="RecommenderOptions.RulePseudoSuccesses"/>. Null when no
    /// installed rule matches.
    /// </summary>
    public (string Kind, string Source)? Rule { get; init; }

    /// <summary>Whether ranking may explore (Thompson sampling) rather than take the best mean.</summary>
    public bool Explore { get; init; }

    /// <summary>Now, for time decay.</summary>
    public DateTimeOffset Now { get; init; }
}
