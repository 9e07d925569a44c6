namespace HealingGrains.Core.Healing;

/// <summary>How evidence is weighed. Every default is stated; all are the same for every tenant.</summary>
public sealed class RecommenderOptions
{
    /// <summary>An outcome's weight halves after this long. Default: 30 days.</summary>
    public TimeSpan HalfLife { get; init; } = TimeSpan.FromDays(30);

    /// <summary>The most pseudo-observations similar fingerprints may add to one action kind. Default: 5.</summary>
    public double SimilarCap { get; init; } = 5;

    /// <summary>Pseudo-successes for <c>rollback-version</c> when a fingerprint first appears right after a new version. Default: 3.</summary>
    public double CorrelationPseudoSuccesses { get; init; } = 3;

    /// <summary>
    /// Pseudo-successes for the kind the best-matching rule of a module the tenant installed proposes: an admin's
    /// written rule counts as much as a couple of good outcomes, and fades in weight as real outcomes accumulate. Default: 2.
    /// </summary>
    public double RulePseudoSuccesses { get; init; } = 2;

    /// <summary>How soon after a new version a first occurrence counts as following it. Default: 30 minutes.</summary>
    public TimeSpan CorrelationWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Two templates are similar when their word sets (variables left out) overlap at least this much (Jaccard). Default: 0.5.</summary>
    public double SimilarTemplateThreshold { get; init; } = 0.5;

    /// <summary>
    /// The pseudo-observations the fix predictor adds to each kind: its probability p becomes p × this many successes
    /// and (1 − p) × this many failures, so it steers a new fingerprint and fades as real outcomes accumulate. Default 4.
    /// </summary>
    public double PredictorPseudoCounts { get; init; } = 4;

    /// <summary>The quantile of the posterior used as confidence (a lower credible bound). Default: 0.05.</summary>
    public double CredibleQuantile { get; init; } = 0.05;
}
