using HealingGrains.Core.Healing;

namespace HealingGrains.Core.Tests;

public sealed class BetaDistributionTests
{
    [Theory]
    [InlineData(1, 1, 0.3, 0.3)]
    [InlineData(2, 1, 0.5, 0.25)]
    [InlineData(1, 2, 0.5, 0.75)]
    [InlineData(5, 5, 0.5, 0.5)]
    public void TheCdfMatchesClosedForms(double a, double b, double x, double expected) =>
        Assert.Equal(expected, BetaDistribution.Cdf(a, b, x), 9);

    [Fact]
    public void TheQuantileInvertsTheCdf()
    {
        var q = BetaDistribution.Quantile(13, 3, 0.05);

        Assert.Equal(0.05, BetaDistribution.Cdf(13, 3, q), 8);

        // Beta(13, 3) has a 5% quantile of 0.636558 (numerical integration of its density).
        Assert.Equal(0.636558, q, 5);
    }

    [Fact]
    public void SamplesHaveTheRightMean()
    {
        var random = new Random(42);

        var mean = Enumerable.Range(0, 20_000).Select(_ => BetaDistribution.Sample(3, 7, random)).Average();

        Assert.Equal(0.3, mean, 2);
    }

    [Fact]
    public void RefusesNonPositiveParameters() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BetaDistribution.Quantile(0, 1, 0.5));
}
