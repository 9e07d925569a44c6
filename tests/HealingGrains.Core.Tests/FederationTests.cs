using System.Security.Cryptography;
using HealingGrains.Core.Federation;

namespace HealingGrains.Core.Tests;

public sealed class FederationTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void MaskingLeavesNoTenantValueAndTheSameErrorAtTwoTenantsHasOneSignature()
    {
        // Canaries a tenant's message may carry; the miner's template has already replaced numbers, but not these.
        const string Acme = "Payment for customer CUST-88412 (alice@acme-corp.com) failed at acme-checkout-prod on vm-12.acme.internal 10.1.2.3 "
            + "tenant acmecorp request 3f2b8c1e-9d4a-4e5b-8c7d-1a2b3c4d5e6f: upstream timed out after <*> ms in AcmePaymentClient";
        const string Globex = "Payment for customer G-1 (bob@globex.io) failed at globex-web on host7.globex.local 192.168.0.9 "
            + "tenant globex request 00000000-0000-0000-0000-000000000001: upstream timed out after <*> ms in GlobexBillingAdapter";

        var acme = FederationSignature.MaskTemplate(Acme, ["acmecorp", "acme-checkout-prod", "vm-12.acme.internal"]);
        var globex = FederationSignature.MaskTemplate(Globex, ["globex", "globex-web", "host7.globex.local"]);

        foreach (var canary in new[] { "CUST-88412", "88412", "alice", "acme", "checkout", "vm-12", "10.1.2.3", "3f2b8c1e", "AcmePaymentClient", "corp" })
        {
            Assert.DoesNotContain(canary, acme, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal("payment for customer <*> failed at <*> on <*> tenant <*> request <*> upstream timed out after <*> ms in <*>", acme);
        Assert.Equal(acme, globex);
        var signature = FederationSignature.Of(Key, "System.TimeoutException", "TimeoutAndLatency", acme);
        Assert.Matches("^[0-9a-f]{32}$", signature);
        Assert.Equal(signature, FederationSignature.Of(Key, "System.TimeoutException", "TimeoutAndLatency", globex));
        Assert.NotEqual(signature, FederationSignature.Of(RandomNumberGenerator.GetBytes(32), "System.TimeoutException", "TimeoutAndLatency", acme));
        Assert.NotEqual(FederationSignature.Contributor(Key, "acmecorp"), FederationSignature.Contributor(Key, "globex"));
        Assert.DoesNotContain("acme", FederationSignature.Contributor(Key, "acmecorp"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("System.TimeoutException", "System.TimeoutException")]
    [InlineData("Npgsql.PostgresException", "Npgsql.PostgresException")]
    [InlineData("java.net.SocketTimeoutException", "java.net.SocketTimeoutException")]
    [InlineData("ValueError", "ValueError")]
    [InlineData("Acme.Payments.CardDeclinedException", null)]
    [InlineData("System.Evil<alice@acme.com>", null)]
    [InlineData("MyError", null)]
    [InlineData(null, null)]
    public void OnlyPublicFrameworksExceptionTypesLeaveATenant(string? type, string? expected) =>
        Assert.Equal(expected, FederationSignature.PublicExceptionType(type));

    [Fact]
    public void NoiseIsLaplaceOfScaleOneOverEpsilonAroundTheCappedCountsAndTheCapKeepsFailuresFirst()
    {
        var options = new FederationOptions { Epsilon = 0.5, CapPerPeriod = 20 };
        var random = new Random(4);
        var samples = Enumerable.Range(0, 20_000).Select(_ => FederatedCounts.Noise(8, 3, options, random)).ToList();

        Assert.InRange(samples.Average(s => s.Successes), 7.9, 8.1);
        Assert.InRange(samples.Average(s => s.Failures), 2.9, 3.1);

        // Laplace(b): mean absolute deviation b = 1 / ε = 2.
        Assert.InRange(samples.Average(s => Math.Abs(s.Successes - 8)), 1.9, 2.1);

        // 100 successes and 15 failures: 15 failures and 5 successes are kept.
        var capped = Enumerable.Range(0, 20_000).Select(_ => FederatedCounts.Noise(100, 15, options, random)).ToList();
        Assert.InRange(capped.Average(s => s.Failures), 14.9, 15.1);
        Assert.InRange(capped.Average(s => s.Successes), 4.9, 5.1);
    }

    [Fact]
    public void APatternIsHiddenUntilEnoughTenantsContributedAndOnePoisonerMovesTheEstimateLittle()
    {
        var options = new FederationOptions();
        var random = new Random(5);

        // Honest tenants: a bad fix that works one time in five, twenty outcomes each, noised.
        List<NoisyCounts> Honest(int tenants) => [.. Enumerable.Range(0, tenants).Select(_ => FederatedCounts.Noise(4, 16, options, random))];

        Assert.Null(FederatedCounts.Estimate(Honest(2), options));
        var honest = Honest(4);
        var before = FederatedCounts.Estimate(honest, options)!;
        Assert.InRange(before.SuccessRate, 0.1, 0.35);

        // A poisoner reports thousands of successes (unnoised, uncapped: it ignores the protocol).
        var poisoned = FederatedCounts.Estimate([.. honest, new NoisyCounts(5_000, 0)], options)!;
        Assert.Equal(5, poisoned.Contributors);
        Assert.True(poisoned.SuccessRate - before.SuccessRate < 0.1, $"{before.SuccessRate:F3} → {poisoned.SuccessRate:F3}");

        // Its cases count for at most the per-tenant cap, so it cannot buy weight either.
        Assert.True(poisoned.Cases - before.Cases <= options.CapPerContributor);
        var (successes, failures) = poisoned.PseudoCounts(options.PriorCap);
        Assert.Equal(options.PriorCap, successes + failures, 9);
    }

    [Fact]
    public void ReceivedCountsAreClampedToWhatHonestNoiseProducesAndNonNumbersAreRefused()
    {
        var options = new FederationOptions { Epsilon = 2 };

        Assert.Equal(new NoisyCounts(1 + 5, -5), FederatedCounts.Clamp(new NoisyCounts(5_000, -1e9), 1, options));
        Assert.Equal(new NoisyCounts(0.7, 0.1), FederatedCounts.Clamp(new NoisyCounts(0.7, 0.1), 1, options));
        Assert.Null(FederatedCounts.Clamp(new NoisyCounts(double.NaN, 0), 1, options));
        Assert.Null(FederatedCounts.Clamp(new NoisyCounts(1, double.PositiveInfinity), 1, options));
        Assert.Null(FederatedCounts.Clamp(new NoisyCounts(1, 0), 0, options));
    }

    [Fact]
    public void AContributorsSumsStandForAtMostItsCapWithOlderOutcomesFadingFirst()
    {
        var options = new FederationOptions { CapPerContributor = 100 };
        var (sums, outcomes) = (new NoisyCounts(0, 0), 0);

        // 100 failures, then 100 successes one at a time: the fix started to work, and the sums follow.
        for (var i = 0; i < 100; i++)
        {
            (sums, outcomes) = FederatedCounts.Accumulate(sums, outcomes, new NoisyCounts(0, 1), 1, options);
        }

        Assert.Equal((100, 0.0, 100.0), (outcomes, sums.Successes, sums.Failures));
        for (var i = 0; i < 100; i++)
        {
            (sums, outcomes) = FederatedCounts.Accumulate(sums, outcomes, new NoisyCounts(1, 0), 1, options);
        }

        Assert.Equal(100, outcomes);
        Assert.Equal(100, sums.Successes + sums.Failures, 6);
        Assert.InRange(sums.Successes, 60, 70);
    }

    [Fact]
    public void SourcesCombineByTheMedianOfTheirRatesWithOrganisationsAndCasesAddedUp()
    {
        Assert.Null(FederatedCounts.Combine([]));
        var combined = FederatedCounts.Combine([new FederatedEstimate(3, 40, 0.8), new FederatedEstimate(5, 100, 0.9), new FederatedEstimate(4, 60, 0.1)])!;

        Assert.Equal(12, combined.Contributors);
        Assert.Equal(200, combined.Cases, 9);
        Assert.Equal(0.8, combined.SuccessRate, 9);
        Assert.Equal(0.85, FederatedCounts.Combine([new FederatedEstimate(3, 40, 0.8), new FederatedEstimate(5, 100, 0.9)])!.SuccessRate, 9);
    }

    [Fact]
    public void WithTheOutcomesKnownOnlyTheSplitIsEstimatedFromTheNoiseAndASingleOutcomeCannotLookLikeAProvenFix()
    {
        var options = new FederationOptions();
        var random = new Random(11);

        // Three tenants with one failed outcome each, noised: whatever the noise, a tenant's rate stays within 1/3 and 2/3.
        for (var trial = 0; trial < 200; trial++)
        {
            var one = Enumerable.Range(0, 3).Select(_ => new ContributorCounts(FederatedCounts.Noise(0, 1, options, random), 1)).ToList();
            var estimate = FederatedCounts.Estimate(one, options)!;
            Assert.Equal(3, estimate.Cases);
            Assert.InRange(estimate.SuccessRate, 1 / 3.0, 2 / 3.0);
        }

        // Three tenants with twenty outcomes each, 17 successes: against the same noisy counts, the estimate that knows
        // the outcomes errs no more than the one that reads both counts as they are (local noise of ε = 1 per outcome
        // is large: about ±0.1 on the median of three such tenants).
        var (known, unknown) = (new List<double>(), new List<double>());
        for (var trial = 0; trial < 500; trial++)
        {
            var tenants = Enumerable.Range(0, 3)
                .Select(_ => Enumerable.Range(0, 20).Aggregate(new NoisyCounts(0, 0), (sum, i) => sum + FederatedCounts.Noise(i < 17 ? 1 : 0, i < 17 ? 0 : 1, options, random)))
                .ToList();
            known.Add(Math.Abs(FederatedCounts.Estimate([.. tenants.Select(t => new ContributorCounts(t, 20))], options)!.SuccessRate - (18.0 / 22)));
            unknown.Add(Math.Abs(FederatedCounts.Estimate(tenants, options)!.SuccessRate - (18.0 / 22)));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"mean error {known.Average():F3} knowing the outcomes, {unknown.Average():F3} not");
        Assert.True(known.Average() <= unknown.Average(), $"{known.Average():F3} against {unknown.Average():F3}");
        Assert.True(known.Average() < 0.12, $"{known.Average():F3}");

        Assert.Null(FederatedCounts.Estimate([new ContributorCounts(new NoisyCounts(1, 0), 1), new ContributorCounts(new NoisyCounts(1, 0), 1)], options));
    }

    [Fact]
    public void OnlyTheCommonRemediesAreSharedKinds()
    {
        Assert.True(FederatedKinds.IsShared("restart"));
        Assert.True(FederatedKinds.IsShared("rollback-version"));
        Assert.False(FederatedKinds.IsShared("restart-acme-billing"));
        Assert.False(FederatedKinds.IsShared(null));
    }

    [Fact]
    public void ABundleVerifiesWithATrustedKeyAndIsRefusedWhenChangedUntrustedOrBelowTheThreshold()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var patterns = new[] { new FederatedPattern("a1", "restart", 4, 60, 0.8), new FederatedPattern("b2", "scale-out", 3, 30, 0.6) };
        var bundle = FederationBundle.Sign("eu-installation", DateTimeOffset.UnixEpoch, 3, patterns, key);
        var trusted = new[] { bundle.PublicKey };

        var read = FederationBundle.Parse(bundle.ToJson());
        Assert.Null(read.Refusal(trusted, 3));
        Assert.Equal(2, read.Patterns.Count);

        var changed = read with { Patterns = [read.Patterns[0] with { SuccessRate = 0.99 }, read.Patterns[1]] };
        Assert.Contains("does not verify", changed.Refusal(trusted, 3), StringComparison.Ordinal);

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Contains("does not trust", read.Refusal([Convert.ToBase64String(other.ExportSubjectPublicKeyInfo())], 3), StringComparison.Ordinal);
        Assert.Contains("requires 4", read.Refusal(trusted, 4), StringComparison.Ordinal);
        Assert.Equal(BundleRefusal.BelowThreshold, read.Check(trusted, 4)?.Kind);
        Assert.Equal(BundleRefusal.Signature, changed.Check(trusted, 3)?.Kind);
        Assert.Throws<InvalidDataException>(() => FederationBundle.Parse("{ not json"));
    }
}
