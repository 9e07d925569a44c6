using HealingGrains.Core.Federation;

namespace HealingGrains.Core.Healing;

/// <summary>What federation knows about one action kind on this error's anonymous signature, as the recommender weighs it.</summary>
/// <param name="Successes">Pseudo-successes (already capped).</param>
/// <param name="Failures">Pseudo-failures (already capped).</param>
/// <param name="Cases">The outcomes behind the estimate, each organisation's capped.</param>
/// <param name="Organisations">The distinct organisations (tenants) behind it, at least the visibility threshold.</param>
/// <param name="SuccessRate">The robust success estimate across organisations.</param>
public sealed record FederatedPrior(double Successes, double Failures, double Cases, int Organisations, double SuccessRate)
{
    /// <summary>The estimate as at most <paramref name="cap"/> pseudo-observations.</summary>
    public static FederatedPrior From(FederatedEstimate estimate, double cap)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        var (successes, failures) = estimate.PseudoCounts(cap);
        return new FederatedPrior(successes, failures, estimate.Cases, estimate.Contributors, estimate.SuccessRate);
    }
}
