using HealingGrains.Core.Detection;
using HealingGrains.Core.Prediction;

namespace HealingGrains.Core.Tests;

public sealed class FailurePredictorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("memory.utilization", MetricClass.Memory)]
    [InlineData("process.runtime.dotnet.gc.heap.size", MetricClass.Memory)]
    [InlineData("system.cpu.utilization", MetricClass.Load)]
    [InlineData("http.server.requests", MetricClass.Load)]
    [InlineData("orders_queue_length", MetricClass.Queue)]
    [InlineData("http.server.request.duration", MetricClass.Queue)]
    [InlineData("disk.used_percent", MetricClass.Disk)]
    [InlineData("cache.hit.ratio", MetricClass.Unknown)]
    [InlineData("orders.placed", MetricClass.Unknown)]
    public void TheNameGivesTheClass(string name, MetricClass expected) => Assert.Equal(expected, MetricNames.Classify(name));

    [Fact]
    public void OnlySharesOfAKnownClassHaveALimit()
    {
        MetricSample[] fractions = [new(T0, 0.2), new(T0.AddMinutes(1), 0.9)];
        MetricSample[] percents = [new(T0, 20), new(T0.AddMinutes(1), 90)];
        MetricSample[] bytes = [new(T0, 2e9)];

        Assert.Equal(1, MetricNames.Limit("memory.utilization", fractions));
        Assert.Equal(100, MetricNames.Limit("memory.utilization", percents));
        Assert.Equal(100, MetricNames.Limit("cpu_pct", fractions));
        Assert.Null(MetricNames.Limit("memory.utilization", bytes));
        Assert.Null(MetricNames.Limit("process.memory", fractions));
        Assert.Null(MetricNames.Limit("cache.hit.ratio", fractions));
        Assert.Null(MetricNames.Limit("queue.length", percents));
    }

    [Fact]
    public void PreventiveKindsFollowTheClass()
    {
        Assert.Equal(["restart", "scale-out"], MetricNames.PreventiveKinds(MetricClass.Memory));
        Assert.Equal(["scale-out", "shed-load"], MetricNames.PreventiveKinds(MetricClass.Load));
        Assert.Equal(["shed-load", "scale-out"], MetricNames.PreventiveKinds(MetricClass.Queue));
        Assert.Empty(MetricNames.PreventiveKinds(MetricClass.Unknown));
    }

    [Fact]
    public void ASteadyRiseTowardsTheLimitIsPredictedBeforeItGetsThere()
    {
        var (first, value) = RiseUntil(p => p.Probability >= 0.8);

        Assert.NotNull(first);
        Assert.True(value < 1, $"predicted only at {value}");
        Assert.True(first!.TimeToLimit <= first.Horizon + TimeSpan.FromMinutes(5), first.Describe());
        Assert.True(first.ForecastProbability >= 0.8);
        Assert.Equal(1, first.Limit);
        Assert.Contains("reaches its limit 1 in", first.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void AFlatMetricFarFromItsLimitPredictsNothing()
    {
        var detector = new MetricDetector(new DetectorOptions { Warmup = 30 });
        var window = new MetricWindow(512);
        FailurePrediction? last = null;
        for (var i = 0; i < 200; i++)
        {
            var v = 0.6 + (0.01 * Math.Sin(i));
            window.Add(T0.AddMinutes(i), v);
            var score = detector.Update(T0.AddMinutes(i), v);
            last = FailurePredictor.Predict("memory.utilization", 1, detector.Forecast(1), score.Probability, window.Points, TimeSpan.FromMinutes(30));
            Assert.True(last.ForecastProbability < 0.5, last.Describe());
        }

        Assert.True(last!.Probability < 0.8, last.Describe());
    }

    [Fact]
    public void AtTheLimitTheFailureIsCertain()
    {
        var p = FailurePredictor.Predict("memory.utilization", 1, null, 0, [new(T0, 1.0)], TimeSpan.FromMinutes(30));

        Assert.Equal(1, p.Probability);
        Assert.Equal(TimeSpan.Zero, p.TimeToLimit);
    }

    [Fact]
    public void WithoutALimitTheAnomalyAloneCountsAndAtALimitItIsWeighedByTheShareInUse()
    {
        MetricSample[] half = [new(T0, 0.5)];

        Assert.Equal(0.9, FailurePredictor.Predict("queue.length", null, null, 0.9, [new(T0, 500)], TimeSpan.FromMinutes(30)).Probability, 6);
        Assert.Equal(0.45, FailurePredictor.Predict("memory.utilization", 1, null, 0.9, half, TimeSpan.FromMinutes(30)).Probability, 6);
    }

    [Fact]
    public void VerificationSaysWhetherTheLimitWasReachedOrErrorsSurged()
    {
        MetricSample[] reached = [new(T0, 0.95), new(T0.AddMinutes(1), 1.0)];
        MetricSample[] below = [new(T0, 0.95), new(T0.AddMinutes(1), 0.7)];

        Assert.True(FailureVerification.Judge("memory.utilization", 1, reached, 0, 0).Happened);
        Assert.True(FailureVerification.Judge("memory.utilization", 1, below, 0.5, 3).Happened);
        var prevented = FailureVerification.Judge("memory.utilization", 1, below, 0.5, 0.6);
        Assert.False(prevented.Happened);
        Assert.Equal(0.95, prevented.Peak);
        Assert.StartsWith("No failure: memory.utilization peaked at 0.95", prevented.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TheNormalDistributionIsRight()
    {
        Assert.Equal(0.5, Normal.Cdf(0), 6);
        Assert.Equal(0.841345, Normal.Cdf(1), 5);
        Assert.Equal(0.022750, Normal.Cdf(-2), 5);
    }

    // Memory flat at 0.5 for an hour, then rising 0.006 per minute (with a little noise), one point a minute.
    private static (FailurePrediction? First, double Value) RiseUntil(Func<FailurePrediction, bool> done)
    {
        var detector = new MetricDetector(new DetectorOptions { Warmup = 1000 });
        var window = new MetricWindow(512);
        for (var i = 0; i < 200; i++)
        {
            var v = Math.Min(1, 0.5 + (Math.Max(0, i - 60) * 0.006) + (0.005 * Math.Sin(i)));
            window.Add(T0.AddMinutes(i), v);
            var score = detector.Update(T0.AddMinutes(i), v);
            var p = FailurePredictor.Predict("memory.utilization", 1, detector.Forecast(1), score.Probability, window.Points, TimeSpan.FromMinutes(30));
            if (done(p))
            {
                return (p, v);
            }
        }

        return (null, double.NaN);
    }
}

public sealed class PredictionOptionsTests
{
    [Fact]
    public void TheDefaultsAreValidAndWindowsThatCouldNotBeStoredAreNot()
    {
        Assert.Empty(new PredictionOptions().Problems());
        var problem = Assert.Single(new PredictionOptions { WindowPoints = 4096, MaxMetricNames = 200 }.Problems());
        Assert.Contains("WindowPoints × MaxMetricNames", problem, StringComparison.Ordinal);
        Assert.Contains(new PredictionOptions { Horizon = TimeSpan.Zero }.Problems(), p => p.Contains("Horizon", StringComparison.Ordinal));
    }
}
