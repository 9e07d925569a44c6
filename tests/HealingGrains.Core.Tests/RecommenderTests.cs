using HealingGrains.Core.Healing;

namespace HealingGrains.Core.Tests;

public sealed class RecommenderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheKindThatWorkedRanksFirstWithItsCountsInTheReasoning()
    {
        var ranked = new Recommender().Rank(new RecommendationRequest
        {
            Kinds = ["restart", "scale-out"],
            Own = new Dictionary<string, DecayedCounts>
            {
                ["restart"] = new(8, 1, Now),
                ["scale-out"] = new(1, 4, Now),
            },
            Similar = new Dictionary<string, DecayedCounts> { ["restart"] = new(4, 1, Now) },
            SimilarFingerprints = 2,
            Now = Now,
        }, new Random(1));

        var best = ranked[0];
        Assert.Equal("restart", best.Kind);
        Assert.Equal(1 + 8 + 4, best.Alpha, 6);
        Assert.Equal(1 + 1 + 1, best.Beta, 6);
        Assert.True(best.Confidence < best.Mean);
        Assert.Equal("Based on 14 cases (9 on this fingerprint, 5 on 2 similar fingerprints): restart succeeded 12 times.", best.Reasoning);
    }

    [Fact]
    public void FederatedPriorsWeighAsCappedPseudoCountsAndAreNamedInTheReasoning()
    {
        var estimate = new Core.Federation.FederatedEstimate(Contributors: 4, Cases: 31, SuccessRate: 0.8);
        var ranked = new Recommender().Rank(new RecommendationRequest
        {
            Kinds = ["restart", "scale-out"],
            Federated = new Dictionary<string, FederatedPrior> { ["restart"] = FederatedPrior.From(estimate, cap: 10) },
            Now = Now,
        }, new Random(1));

        var best = ranked[0];
        Assert.Equal("restart", best.Kind);
        Assert.Equal(1 + 8, best.Alpha, 6);
        Assert.Equal(1 + 2, best.Beta, 6);
        Assert.Equal(4, best.Evidence.FederatedOrganisations);
        Assert.Equal(31, best.Evidence.FederatedCases, 6);
        Assert.Equal(
            "No outcome of restart is known for this fingerprint or similar ones yet. Federated: 31 cases across at least 4 organisations: restart worked 80% of the time.",
            best.Reasoning);
        Assert.Equal(0, ranked[1].Evidence.FederatedOrganisations);
        Assert.DoesNotContain("Federated", ranked[1].Reasoning, StringComparison.Ordinal);
    }

    [Fact]
    public void SimilarFingerprintsCountAtMostTheCap()
    {
        var best = new Recommender().Rank(new RecommendationRequest
        {
            Kinds = ["restart"],
            Similar = new Dictionary<string, DecayedCounts> { ["restart"] = new(90, 10, Now) },
            SimilarFingerprints = 30,
            Now = Now,
        }, new Random(1))[0];

        Assert.Equal(5, best.Evidence.SimilarSuccesses + best.Evidence.SimilarFailures, 6);
        Assert.Equal(1 + 4.5, best.Alpha, 6);
    }

    [Fact]
    public void OldOutcomesFade()
    {
        var options = new RecommenderOptions { HalfLife = TimeSpan.FromDays(10) };
        var best = new Recommender(options).Rank(new RecommendationRequest
        {
            Kinds = ["restart"],
            Own = new Dictionary<string, DecayedCounts> { ["restart"] = new(8, 0, Now.AddDays(-20)) },
            Now = Now,
        }, new Random(1))[0];

        Assert.Equal(2, best.Evidence.OwnSuccesses, 6);
    }

    [Fact]
    public void AnErrorRightAfterANewVersionFavoursRollback()
    {
        var best = new Recommender().Rank(new RecommendationRequest
        {
            Kinds = ["restart", "rollback-version"],
            FollowsVersion = "1.4.3",
            Now = Now,
        }, new Random(1))[0];

        Assert.Equal("rollback-version", best.Kind);
        Assert.Equal(3, best.Evidence.CorrelationSuccesses);
        Assert.Contains("version 1.4.3", best.Reasoning, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutExplorationRankingIsByMean()
    {
        var request = new RecommendationRequest
        {
            Kinds = ["a", "b"],
            Own = new Dictionary<string, DecayedCounts> { ["a"] = new(3, 2, Now), ["b"] = new(2, 1, Now) },
            Explore = false,
            Now = Now,
        };

        var firsts = Enumerable.Range(0, 50).Select(i => new Recommender().Rank(request, new Random(i))[0].Kind).Distinct();

        Assert.Equal(["b"], firsts);
    }

    [Fact]
    public void ExplorationSometimesTriesTheUnknownKind()
    {
        var request = new RecommendationRequest
        {
            Kinds = ["known", "unknown"],
            Own = new Dictionary<string, DecayedCounts> { ["known"] = new(2, 2, Now) },
            Explore = true,
            Now = Now,
        };

        var firsts = Enumerable.Range(0, 200).Select(i => new Recommender().Rank(request, new Random(i))[0].Kind).ToList();

        Assert.Contains("unknown", firsts);
        Assert.Contains("known", firsts);
    }

    [Fact]
    public void ThompsonSamplingLearnsTheBestKindOfAHiddenWorld()
    {
        var truth = new Dictionary<string, double> { ["restart"] = 0.3, ["scale-out"] = 0.9, ["clear-cache"] = 0.5 };
        var counts = truth.Keys.ToDictionary(k => k, _ => DecayedCounts.Empty);
        var random = new Random(7);
        var recommender = new Recommender();
        var picks = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            var pick = recommender.Rank(new RecommendationRequest { Kinds = [.. truth.Keys], Own = counts, Explore = true, Now = Now }, random)[0].Kind;
            counts[pick] = counts[pick].With(random.NextDouble() < truth[pick], Now, recommender.Options.HalfLife);
            picks.Add(pick);
        }

        Assert.True(picks.TakeLast(20).Count(p => p == "scale-out") >= 16, string.Join(",", picks));
    }

    [Fact]
    public void TheFixPredictorsPseudoCountsSteerANewFingerprintAndFadeAsOutcomesAccumulate()
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var predicted = new Dictionary<string, DecayedCounts>
        {
            ["restart"] = new(0.4, 3.6, now),
            ["scale-out"] = new(3.6, 0.4, now),
        };
        var recommender = new Recommender();
        var fresh = recommender.Rank(new RecommendationRequest { Kinds = ["restart", "scale-out"], Predicted = predicted, Now = now }, new Random(1));

        Assert.Equal("scale-out", fresh[0].Kind);
        Assert.Equal((3.6, 0.4), (fresh[0].Evidence.PredictedSuccesses, fresh[0].Evidence.PredictedFailures));
        Assert.Contains("fix predictor expects scale-out to work 90%", fresh[0].Reasoning, StringComparison.Ordinal);

        var learned = recommender.Rank(new RecommendationRequest
        {
            Kinds = ["restart", "scale-out"],
            Predicted = predicted,
            Own = new Dictionary<string, DecayedCounts> { ["restart"] = new(20, 0, now), ["scale-out"] = new(0, 20, now) },
            Now = now,
        }, new Random(1));
        Assert.Equal("restart", learned[0].Kind);
    }
}
