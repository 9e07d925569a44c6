using System.Globalization;

namespace HealingGrains.Core.Healing;

/// <summary>
/// Ranks candidate fixes for a fingerprint. Each kind has a Beta posterior: a uniform prior, this fingerprint's
/// decayed outcomes, similar fingerprints' outcomes capped as pseudo-counts, other organisations' outcomes (federated
/// priors, capped), the fix predictor's pseudo-counts, pseudo-successes for the kind an installed module's rule proposes,
/// and pseudo-successes for <c>rollback-version</c> when the error first appeared right after a new version. Ranking samples the posteriors
/// (optimistic Thompson sampling) where exploration is allowed, else takes the means; confidence is a lower credible bound.
/// </summary>
public sealed class Recommender(RecommenderOptions? options = null)
{
    /// <summary>The action kind that undoes a deployment.</summary>
    public const string RollbackKind = "rollback-version";

    /// <summary>The options in force.</summary>
    public RecommenderOptions Options { get; } = options ?? new RecommenderOptions();

    /// <summary>The candidates, best first.</summary>
    public IReadOnlyList<Recommendation> Rank(RecommendationRequest request, Random random)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(random);
        var ranked = new List<Recommendation>(request.Kinds.Count);
        foreach (var kind in request.Kinds.Distinct(StringComparer.Ordinal))
        {
            var own = Get(request.Own, kind).DecayedTo(request.Now, Options.HalfLife);
            var similar = Get(request.Similar, kind).DecayedTo(request.Now, Options.HalfLife).CappedAt(Options.SimilarCap);
            var correlation = kind == RollbackKind && request.FollowsVersion is not null ? Options.CorrelationPseudoSuccesses : 0;
            var predicted = Get(request.Predicted, kind);
            var federated = request.Federated.GetValueOrDefault(kind);
            var rule = request.Rule is { } r && r.Kind == kind ? Options.RulePseudoSuccesses : 0;
            var alpha = 1 + own.Successes + similar.Successes + correlation + predicted.Successes + (federated?.Successes ?? 0) + rule;
            var beta = 1 + own.Failures + similar.Failures + predicted.Failures + (federated?.Failures ?? 0);
            var mean = BetaDistribution.Mean(alpha, beta);
            // Optimistic Thompson sampling (May et al., 2012): a sample below the mean counts as the mean, so a kind
            // that has proven itself is not passed over by bad luck while the others are still being explored.
            var score = request.Explore ? Math.Max(BetaDistribution.Sample(alpha, beta, random), mean) : mean;
            var evidence = new RecommendationEvidence(
                own.Successes, own.Failures, similar.Successes, similar.Failures, request.SimilarFingerprints, correlation, request.FollowsVersion)
            {
                PredictedSuccesses = predicted.Successes,
                PredictedFailures = predicted.Failures,
                FederatedSuccesses = federated?.Successes ?? 0,
                FederatedFailures = federated?.Failures ?? 0,
                FederatedCases = federated?.Cases ?? 0,
                FederatedOrganisations = federated?.Organisations ?? 0,
                FederatedSuccessRate = federated?.SuccessRate ?? 0,
                RuleSuccesses = rule,
                RuleSource = rule > 0 ? request.Rule!.Value.Source : null,
            };
            ranked.Add(new Recommendation(
                kind, alpha, beta, mean, BetaDistribution.Quantile(alpha, beta, Options.CredibleQuantile), score, evidence,
                Reason(kind, evidence)));
        }

        return [.. ranked.OrderByDescending(r => r.Score).ThenByDescending(r => r.Mean).ThenBy(r => r.Kind, StringComparer.Ordinal)];
    }

    /// <summary>A sentence a human can check against the counts.</summary>
    public static string Reason(string kind, RecommendationEvidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var own = Round(e.OwnSuccesses + e.OwnFailures);
        var similar = Round(e.SimilarSuccesses + e.SimilarFailures);
        var succeeded = Round(e.OwnSuccesses + e.SimilarSuccesses);
        var parts = new List<string>();
        if (own + similar > 0)
        {
            var sources = similar > 0
                ? $"{own} on this fingerprint, {similar} on {e.SimilarFingerprints} similar fingerprint{(e.SimilarFingerprints == 1 ? "" : "s")}"
                : $"all on this fingerprint";
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"Based on {own + similar} case{(own + similar == 1 ? "" : "s")} ({sources}): {kind} succeeded {succeeded} time{(succeeded == 1 ? "" : "s")}."));
        }
        else
        {
            parts.Add($"No outcome of {kind} is known for this fingerprint or similar ones yet.");
        }

        if (e.FederatedOrganisations > 0)
        {
            var cases = Round(e.FederatedCases);
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"Federated: {cases} case{(cases == 1 ? "" : "s")} across at least {e.FederatedOrganisations} organisations: {kind} worked {100 * e.FederatedSuccessRate:0}% of the time."));
        }

        if (e.PredictedSuccesses + e.PredictedFailures > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"The fix predictor expects {kind} to work {100 * e.PredictedSuccesses / (e.PredictedSuccesses + e.PredictedFailures):0}% of the time (weighed as {e.PredictedSuccesses + e.PredictedFailures:0.#} cases)."));
        }

        if (e.RuleSuccesses > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"An installed module proposes {kind} ({e.RuleSource}), weighed as {e.RuleSuccesses:0.#} successes."));
        }

        if (e.CorrelationSuccesses > 0)
        {
            parts.Add($"The error first appeared shortly after version {e.FollowsVersion} was deployed, which favours {kind}.");
        }

        return string.Join(" ", parts);
    }

    private static int Round(double value) => (int)Math.Round(value, MidpointRounding.AwayFromZero);

    private static DecayedCounts Get(IReadOnlyDictionary<string, DecayedCounts> counts, string kind) =>
        counts.TryGetValue(kind, out var value) ? value : DecayedCounts.Empty;
}
