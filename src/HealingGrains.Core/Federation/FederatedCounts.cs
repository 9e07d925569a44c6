namespace HealingGrains.Core.Federation;

/// <summary>Settings of federation: privacy, caps and visibility. Every default is stated.</summary>
public sealed record FederationOptions
{
    /// <summary>
    /// The local differential-privacy budget per contribution: each count gets Laplace noise of scale 1 / ε (one outcome
    /// more or less changes a count by one). Default 1: a count is blurred by about ±1, so no single outcome shows.
    /// </summary>
    public double Epsilon { get; init; } = 1;

    /// <summary>The most outcomes one tenant may contribute per signature and action kind in one period. Default 20.</summary>
    public int CapPerPeriod { get; init; } = 20;

    /// <summary>The period of the cap. Default one day.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The most outcomes one tenant counts for in a pattern over all periods. Default 100.</summary>
    public int CapPerContributor { get; init; } = 100;

    /// <summary>Distinct tenants a pattern needs before any tenant sees it. Default 3.</summary>
    public int MinimumContributors { get; init; } = 3;

    /// <summary>The most pseudo-observations federated knowledge adds to one action kind. Default 10.</summary>
    public double PriorCap { get; init; } = 10;
}

/// <summary>One tenant's noisy counts for a signature and an action kind.</summary>
/// <param name="Successes">Noisy successes (may be negative or fractional: noise is not rounded away).</param>
/// <param name="Failures">Noisy failures.</param>
public readonly record struct NoisyCounts(double Successes, double Failures)
{
    /// <summary>The sum of two contributions.</summary>
    public static NoisyCounts operator +(NoisyCounts a, NoisyCounts b) => new(a.Successes + b.Successes, a.Failures + b.Failures);
}

/// <summary>One contributor's summed noisy counts on a pattern and how many outcomes they stand for.</summary>
/// <param name="Counts">The summed noisy successes and failures.</param>
/// <param name="Outcomes">The outcomes contributed (exact: the per-period cap counts them on receipt).</param>
public readonly record struct ContributorCounts(NoisyCounts Counts, int Outcomes);

/// <summary>What federation knows about an action kind on a signature, once enough tenants contributed.</summary>
/// <param name="Contributors">Distinct tenants (at least the visibility threshold).</param>
/// <param name="Cases">Outcomes counted, each tenant's capped.</param>
/// <param name="SuccessRate">The robust estimate: the median over tenants of each tenant's smoothed success rate.</param>
public sealed record FederatedEstimate(int Contributors, double Cases, double SuccessRate)
{
    /// <summary>The estimate as pseudo-counts for the recommender, at most <paramref name="cap"/> observations.</summary>
    public (double Successes, double Failures) PseudoCounts(double cap)
    {
        var weight = Math.Min(Cases, cap);
        return (weight * SuccessRate, weight * (1 - SuccessRate));
    }
}

/// <summary>
/// The privacy and robustness arithmetic of federation, free of Orleans: noising a tenant's counts before they leave
/// it, and aggregating tenants' noisy counts into an estimate that no single tenant can move far.
/// </summary>
public static class FederatedCounts
{
    /// <summary>
    /// A tenant's counts as they leave it: capped at <see cref="FederationOptions.CapPerPeriod"/> outcomes (the
    /// failures kept first, so a cap never makes a fix look better), each count plus Laplace(1 / ε) noise.
    /// </summary>
    public static NoisyCounts Noise(int successes, int failures, FederationOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfNegative(failures);
        var keptFailures = Math.Min(failures, options.CapPerPeriod);
        var keptSuccesses = Math.Min(successes, options.CapPerPeriod - keptFailures);
        var scale = 1 / options.Epsilon;
        return new NoisyCounts(keptSuccesses + Laplace(random, scale), keptFailures + Laplace(random, scale));
    }

    /// <summary>
    /// How far, in scales of the noise (1 / ε), a received count may lie outside the outcomes it stands for: 10. Honest
    /// Laplace noise goes beyond it once in 22,000 draws; a contribution claiming more is clamped to it, so a tenant
    /// that ignores the protocol cannot buy weight with huge counts.
    /// </summary>
    public const double NoiseBound = 10;

    /// <summary>
    /// A received contribution of <paramref name="outcomes"/> outcomes with its counts clamped to
    /// [−<see cref="NoiseBound"/>/ε, outcomes + <see cref="NoiseBound"/>/ε]; null when a count is not a finite number.
    /// </summary>
    public static NoisyCounts? Clamp(NoisyCounts counts, int outcomes, FederationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!double.IsFinite(counts.Successes) || !double.IsFinite(counts.Failures) || outcomes < 1)
        {
            return null;
        }

        var bound = NoiseBound / options.Epsilon;
        return new NoisyCounts(Math.Clamp(counts.Successes, -bound, outcomes + bound), Math.Clamp(counts.Failures, -bound, outcomes + bound));
    }

    /// <summary>
    /// A contributor's running sums plus a new contribution. The sums stand for at most
    /// <see cref="FederationOptions.CapPerContributor"/> outcomes: when a contribution would go beyond, the older sums
    /// are scaled down first, so a contributor's pattern follows what works now and its weight stays bounded.
    /// </summary>
    public static (NoisyCounts Sums, int Outcomes) Accumulate(NoisyCounts sums, int outcomes, NoisyCounts added, int addedOutcomes, FederationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cap = options.CapPerContributor;
        if (outcomes > 0 && outcomes + addedOutcomes > cap)
        {
            var keep = Math.Max(0, cap - addedOutcomes);
            var factor = keep / (double)outcomes;
            sums = new NoisyCounts(sums.Successes * factor, sums.Failures * factor);
            outcomes = keep;
        }

        return (sums + added, outcomes + addedOutcomes);
    }

    /// <summary>
    /// Estimates of one pattern from several sources (this installation's tenants, and each installation whose bundle
    /// was imported) as one: organisations and cases add up, the success estimate is the median of the sources'
    /// (their mean for two). Null when there is no source.
    /// </summary>
    public static FederatedEstimate? Combine(IReadOnlyCollection<FederatedEstimate> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
        {
            return null;
        }

        return new FederatedEstimate(sources.Sum(s => s.Contributors), sources.Sum(s => s.Cases), Median([.. sources.Select(s => s.SuccessRate)]));
    }

    /// <summary>A Laplace(0, <paramref name="scale"/>) sample.</summary>
    public static double Laplace(Random random, double scale)
    {
        ArgumentNullException.ThrowIfNull(random);
        var u = random.NextDouble() - 0.5;
        return -scale * Math.Sign(u) * Math.Log(1 - (2 * Math.Abs(u)));
    }

    /// <summary>
    /// The estimate over contributors' summed noisy counts, or null while fewer than the threshold contributed. Each
    /// tenant's counts are clamped to [0, <see cref="FederationOptions.CapPerContributor"/>] and smoothed into a rate
    /// (successes + 1) / (cases + 2); the estimate is the median of those rates, so one tenant, however many outcomes it
    /// reports, moves it at most to a neighbouring honest tenant's rate.
    /// </summary>
    public static FederatedEstimate? Estimate(IReadOnlyCollection<NoisyCounts> contributors, FederationOptions options)
    {
        ArgumentNullException.ThrowIfNull(contributors);
        ArgumentNullException.ThrowIfNull(options);
        if (contributors.Count < options.MinimumContributors)
        {
            return null;
        }

        var rates = new List<double>(contributors.Count);
        var cases = 0.0;
        foreach (var c in contributors)
        {
            var successes = Math.Clamp(c.Successes, 0, options.CapPerContributor);
            var failures = Math.Clamp(c.Failures, 0, options.CapPerContributor - successes);
            cases += successes + failures;
            rates.Add((successes + 1) / (successes + failures + 2));
        }

        return new FederatedEstimate(contributors.Count, cases, Median(rates));
    }

    /// <summary>
    /// The estimate over contributors whose number of outcomes is known: the cap on receipt counts them, so the platform
    /// knows how many outcomes each tenant reported, and only how they split is hidden by the noise. The noisy successes
    /// and the outcomes less the noisy failures are two independent estimates of a tenant's successes; their mean (half
    /// the noise variance), clamped to [0, outcomes], gives its smoothed rate (successes + 1) / (outcomes + 2), and its
    /// outcomes (at most <see cref="FederationOptions.CapPerContributor"/>) are its cases. The median of the rates is the
    /// estimate: one tenant moves it at most to a neighbouring honest tenant's rate. Null below the threshold.
    /// </summary>
    public static FederatedEstimate? Estimate(IReadOnlyCollection<ContributorCounts> contributors, FederationOptions options)
    {
        ArgumentNullException.ThrowIfNull(contributors);
        ArgumentNullException.ThrowIfNull(options);
        if (contributors.Count < options.MinimumContributors)
        {
            return null;
        }

        var rates = new List<double>(contributors.Count);
        var cases = 0.0;
        foreach (var c in contributors)
        {
            var outcomes = Math.Min(Math.Max(c.Outcomes, 0), options.CapPerContributor);
            var scale = c.Outcomes > 0 ? outcomes / (double)c.Outcomes : 0;
            var successes = Math.Clamp((c.Counts.Successes + (c.Outcomes - c.Counts.Failures)) / 2 * scale, 0, outcomes);
            cases += outcomes;
            rates.Add((successes + 1) / (outcomes + 2));
        }

        return new FederatedEstimate(contributors.Count, cases, Median(rates));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
