using System.Security.Cryptography;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Core.Federation;

namespace HealingGrains.Grains.Tests;

/// <summary>The federation shard grain itself: visibility from k tenants, the caps, robustness against a poisoner, imports.</summary>
[Collection(FederationClusterCollection.Name)]
public sealed class FederationGrainTests(FederationClusterFixture fixture)
{
    private static readonly FederationOptions Defaults = new();

    [Fact]
    public async Task APatternIsHiddenFromTwoTenantsVisibleFromThreeAndATenantsOwnContributionIsLeftOut()
    {
        var signature = NewSignature();
        var shard = Shard(signature);
        var (a, b, c, d) = (NewContributor(), NewContributor(), NewContributor(), NewContributor());

        Assert.True(await shard.ContributeAsync(Outcome(signature, "restart", a, succeeded: true)));
        Assert.True(await shard.ContributeAsync(Outcome(signature, "restart", b, succeeded: true)));
        Assert.Empty(await shard.GetEstimatesAsync(signature, null));
        Assert.DoesNotContain(await shard.ListVisibleAsync(), p => p.Signature == signature);

        Assert.True(await shard.ContributeAsync(Outcome(signature, "restart", c, succeeded: false)));
        var visible = Assert.Single(await shard.GetEstimatesAsync(signature, null));
        Assert.Equal(("restart", 3), (visible.Kind, visible.Organisations));
        Assert.Contains(await shard.ListVisibleAsync(), p => p.Signature == signature && p.Kind == "restart" && p.Contributors == 3);

        // A contributor asking sees only the others: two of them are not enough, three are.
        Assert.Empty(await shard.GetEstimatesAsync(signature, a));
        Assert.True(await shard.ContributeAsync(Outcome(signature, "restart", d, succeeded: true)));
        Assert.Equal(3, Assert.Single(await shard.GetEstimatesAsync(signature, a)).Organisations);
        Assert.Equal(4, Assert.Single(await shard.GetEstimatesAsync(signature, "000000000000000000000000")).Organisations);

        // Another kind on the same signature is a pattern of its own, hidden until it has three contributors too.
        Assert.True(await shard.ContributeAsync(Outcome(signature, "scale-out", a, succeeded: true)));
        Assert.Equal(["restart"], (await shard.GetEstimatesAsync(signature, null)).Select(e => e.Kind));
    }

    [Fact]
    public async Task MalformedContributionsAndKindsThatAreTheTenantsOwnTextAreNotKept()
    {
        var signature = NewSignature();
        var shard = Shard(signature);
        var contributor = NewContributor();

        Assert.False(await shard.ContributeAsync(Outcome(signature, "restart-acme-billing", contributor, true)));
        Assert.False(await Shard(NewSignature(other: signature[..2])).ContributeAsync(Outcome(signature, "restart", contributor, true)));
        Assert.False(await shard.ContributeAsync(Outcome(signature, "restart", "acme-corp", true)));
        Assert.False(await shard.ContributeAsync(new FederatedContribution
        {
            Signature = signature, Kind = "restart", Contributor = contributor, Outcomes = 1, Successes = double.NaN, Failures = 0,
        }));
        Assert.False(await shard.ContributeAsync(new FederatedContribution
        {
            Signature = signature, Kind = "restart", Contributor = contributor, Outcomes = Defaults.CapPerPeriod + 1, Successes = 21, Failures = 0,
        }));
        Assert.DoesNotContain(await shard.ListVisibleAsync(), p => p.Signature == signature);
    }

    // Issue 9: a tenant reporting thousands of fake successes for a bad fix moves the federated estimate by less than
    // 0.1. Per period it gets 20 outcomes in (the cap on receipt), each clamped to what honest noise produces, its sums
    // stand for at most 100 outcomes, and the estimate is the median of the tenants' rates: one tenant can move it only
    // to the neighbouring honest tenant's rate.
    [Fact]
    public async Task OneTenantReportingThousandsOfFakeSuccessesForABadFixMovesTheEstimateLessThanATenth()
    {
        var signature = NewSignature();
        var shard = Shard(signature);
        var random = new Random(9);
        var honest = Enumerable.Range(0, 5).Select(_ => NewContributor()).ToList();

        // Five honest tenants, three days of 20 outcomes each: the fix works one time in five, every outcome noised.
        for (var day = 0; day < 3; day++)
        {
            foreach (var tenant in honest)
            {
                for (var i = 0; i < Defaults.CapPerPeriod; i++)
                {
                    var worked = random.NextDouble() < 0.2;
                    var noisy = FederatedCounts.Noise(worked ? 1 : 0, worked ? 0 : 1, Defaults, random);
                    Assert.True(await shard.ContributeAsync(Contribution(signature, tenant, noisy)));
                }
            }

            fixture.Time.Advance(TimeSpan.FromDays(1));
        }

        var before = Assert.Single(await shard.GetEstimatesAsync(signature, null));
        Assert.InRange(before.SuccessRate, 0.05, 0.4);

        // The poisoner: 5,000 reports of a success each, unnoised and inflated, over two days.
        var poisoner = NewContributor();
        var accepted = 0;
        for (var day = 0; day < 2; day++)
        {
            for (var i = 0; i < 2_500; i++)
            {
                accepted += await shard.ContributeAsync(Contribution(signature, poisoner, new NoisyCounts(1_000, 0))) ? 1 : 0;
            }

            fixture.Time.Advance(TimeSpan.FromDays(1));
        }

        var after = Assert.Single(await shard.GetEstimatesAsync(signature, null));
        TestContext.Current.TestOutputHelper?.WriteLine($"estimate {before.SuccessRate:F3} → {after.SuccessRate:F3} ({accepted} of 5000 fake reports kept)");
        Assert.Equal(2 * Defaults.CapPerPeriod, accepted);
        Assert.Equal(6, after.Organisations);
        Assert.True(Math.Abs(after.SuccessRate - before.SuccessRate) < 0.1, $"{before.SuccessRate:F3} → {after.SuccessRate:F3}");
        Assert.True(after.Cases - before.Cases <= Defaults.CapPerContributor);
    }

    [Fact]
    public async Task ImportedPatternsStayApartPerIssuerANewerBundleReplacesAnOlderOneAndAnOlderOneChangesNothing()
    {
        var signature = NewSignature();
        var shard = Shard(signature);
        var exportedAt = fixture.Time.GetUtcNow();
        FederationImport Import(string issuerKey, DateTimeOffset at, double rate) => new()
        {
            IssuerKey = issuerKey,
            Issuer = "eu",
            ExportedAt = at,
            ImportedAt = fixture.Time.GetUtcNow(),
            Patterns = [new FederatedPatternInfo { Signature = signature, Kind = "restart", Contributors = 4, Cases = 60, SuccessRate = rate }],
        };
        var issuer = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

        Assert.Equal(1, await shard.ImportAsync(Import(issuer, exportedAt, 0.9)));
        Assert.Equal(-1, await shard.ImportAsync(Import(issuer, exportedAt.AddDays(-1), 0.1)));
        Assert.Equal(0.9, Assert.Single(await shard.GetEstimatesAsync(signature, null)).SuccessRate, 9);

        Assert.Equal(1, await shard.ImportAsync(Import(issuer, exportedAt.AddHours(1), 0.7)));
        Assert.Equal(1, await shard.ImportAsync(Import(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), exportedAt, 0.5)));
        var combined = Assert.Single(await shard.GetEstimatesAsync(signature, null));
        Assert.Equal((8, 120.0), (combined.Organisations, combined.Cases));
        Assert.Equal(0.6, combined.SuccessRate, 9);

        // Imported patterns are not passed on: an export holds this installation's own knowledge only.
        Assert.DoesNotContain(await shard.ListVisibleAsync(), p => p.Signature == signature);
    }

    private IFederationGrain Shard(string signature) => fixture.Client.GetGrain<IFederationGrain>(FederationKey.Shard(signature));

    private static string NewSignature(string? other = null)
    {
        while (true)
        {
            var signature = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            if (other is null || signature[..2] != other)
            {
                return signature;
            }
        }
    }

    private static string NewContributor() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static FederatedContribution Outcome(string signature, string kind, string contributor, bool succeeded) => new()
    {
        Signature = signature, Kind = kind, Contributor = contributor, Outcomes = 1, Successes = succeeded ? 1 : 0, Failures = succeeded ? 0 : 1,
    };

    private static FederatedContribution Contribution(string signature, string contributor, NoisyCounts counts) => new()
    {
        Signature = signature, Kind = "restart", Contributor = contributor, Outcomes = 1, Successes = counts.Successes, Failures = counts.Failures,
    };
}
