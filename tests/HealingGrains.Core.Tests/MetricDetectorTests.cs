using HealingGrains.Core.Detection;

namespace HealingGrains.Core.Tests;

public sealed class MetricDetectorTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static double Noise(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static List<AnomalyScore> Run(MetricDetector detector, IEnumerable<double> values, TimeSpan? every = null) =>
        [.. values.Select((v, i) => detector.Update(Start + (i * (every ?? TimeSpan.FromMinutes(5))), v))];

    [Fact]
    public void OnStationaryNoiseAProbabilityOfOneMinusAlphaIsReachedAtMostAlphaOfTheTimeAndASpikeIsCertain()
    {
        var random = new Random(1);
        var values = Enumerable.Range(0, 3_000).Select(_ => 50 + (5 * Noise(random))).ToList();
        values[2_500] = 120;
        var scores = Run(new MetricDetector(), values);

        Assert.All(scores.Take(150), s => Assert.Equal(0, s.Probability));
        var noise = scores.Take(2_500).Skip(150).ToList();
        foreach (var alpha in new[] { 0.5, 0.1, 0.01 })
        {
            var rate = (double)noise.Count(s => s.Probability >= 1 - alpha) / noise.Count;
            Assert.True(rate <= alpha, $"P(probability ≥ {1 - alpha}) = {rate:F4} on noise");
        }

        Assert.True(scores[2_500].Probability > 0.999, $"spike: {scores[2_500].Probability}");
        Assert.True(scores[2_500].Novel);
    }

    [Fact]
    public void ANewRecordWithinATenthOfTheNoiseIsNotNovelButOneBeyondItIs()
    {
        var random = new Random(4);
        var values = Enumerable.Range(0, 2_000).Select(_ => 50 + (5 * Noise(random))).ToList();
        var detector = new MetricDetector();
        Run(detector, values);
        var max = values.Max();

        // Noise of spread ≈ 5: a record by 0.01 is what noise does; by 3 (0.6 of the noise) it is news.
        var barely = detector.Update(Start + TimeSpan.FromDays(10), max + 0.01);
        Assert.False(barely.Novel);
        Assert.True(barely.Probability < 0.99, $"barely a record: {barely.Probability}");
        var beyond = detector.Update(Start + TimeSpan.FromDays(10.1), max + 3);
        Assert.True(beyond.Novel);
        Assert.True(beyond.Probability >= 0.99, $"a record by 0.6 of the noise: {beyond.Probability}");
    }

    [Fact]
    public void ABrokenDailyPatternWithinTheUsualRangeIsFoundByTheSeasonalDetector()
    {
        // Five-minute points: a daily sine from 20 to 80. On day 5 the afternoon stays at the morning's low.
        var random = new Random(2);
        var values = Enumerable.Range(0, 288 * 6).Select(i => 50 + (30 * Math.Sin(2 * Math.PI * i / 288)) + Noise(random)).ToList();
        for (var i = (288 * 5) + 60; i < (288 * 5) + 100; i++)
        {
            values[i] = 20 + Noise(random);
        }

        var detector = new MetricDetector();
        var scores = Run(detector, values);

        Assert.Equal(288, detector.Season);
        var during = scores.Skip((288 * 5) + 60).Take(40).ToList();
        Assert.True(during.Min(s => s.Seasonal) < 0.01, $"best seasonal tail {during.Min(s => s.Seasonal)}");
        Assert.True(during.Max(s => s.Probability) > 0.99, $"highest probability {during.Max(s => s.Probability)}");

        // The same days without the break raise no alarm on day 5.
        var normal = Run(new MetricDetector(), Enumerable.Range(0, 288 * 6).Select(i => 50 + (30 * Math.Sin(2 * Math.PI * i / 288)) + Noise(random)));
        Assert.True(normal.Skip(288 * 5).Count(s => s.Probability >= 0.99) <= 1);
    }

    [Fact]
    public void APeakAtNightWithinTheDaysRangeIsNovelForItsTimeOfDay()
    {
        // Five-minute points from midnight UTC: 20 at midnight, 80 at noon. On day 6 at 03:00 one point of 70: never seen
        // at that time of day (03:00 runs about 29), though the afternoons see it every day.
        static double Day(int i) => 50 - (30 * Math.Cos(2 * Math.PI * i / 288));
        var random = new Random(5);
        var values = Enumerable.Range(0, 288 * 6).Select(i => Day(i) + Noise(random)).ToList();
        var night = (288 * 5) + 36;
        values[night] = 70;

        var phaseOnly = Run(new MetricDetector(new DetectorOptions { Detectors = DetectorKinds.Phase }), values);
        Assert.True(phaseOnly[night].NovelForPhase);
        Assert.True(phaseOnly[night].Probability >= 0.99, $"phase detector at the night peak: {phaseOnly[night].Probability}");
        Assert.False(phaseOnly[night].Novel);

        // Without it, a value inside the range is no record, and the record detector says nothing.
        var recordsOnly = Run(new MetricDetector(new DetectorOptions { Detectors = DetectorKinds.Novelty }), values);
        Assert.False(recordsOnly[night].Novel);
        Assert.Equal(0, recordsOnly[night].Probability);

        // The same days without the peak: on day 6 the phase detector raises no alarm.
        var normal = Run(new MetricDetector(new DetectorOptions { Detectors = DetectorKinds.Phase }), Enumerable.Range(0, 288 * 6).Select(i => Day(i) + Noise(random)));
        Assert.DoesNotContain(normal.Skip(288 * 5), s => s.Probability >= 0.99);
    }

    [Fact]
    public void PhasesAreTimesOfTheUtcDaySharedAcrossDays()
    {
        // Hourly points that are 10 every day except at 02:00 UTC, where they are 30: after a week, 30 at 02:00 is usual and
        // 30 at 14:00 is new for its phase.
        var detector = new MetricDetector(new DetectorOptions { Detectors = DetectorKinds.Phase, Warmup = 24 });
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(5));
        var hour = 0;
        for (; hour < 24 * 7; hour++)
        {
            var at = start + TimeSpan.FromHours(hour);
            detector.Update(at, at.UtcDateTime.Hour == 2 ? 30 : 10);
        }

        var twoAm = new DateTimeOffset(2026, 11, 8, 2, 0, 0, TimeSpan.Zero);
        Assert.False(detector.Update(twoAm, 30).NovelForPhase);
        var twoPm = twoAm + TimeSpan.FromHours(12);
        var score = detector.Update(twoPm, 30);
        Assert.True(score.NovelForPhase);
        Assert.True(score.Probability >= 0.99, $"30 at 14:00: {score.Probability}");
    }

    [Fact]
    public void ALevelShiftIsFoundWithinAFewPointsAndOneEventRaisesFewAlarms()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 2_000).Select(i => (i < 1_500 ? 10.0 : 11.2) + (0.2 * Noise(random))).ToList();
        var scores = Run(new MetricDetector(new DetectorOptions { Detectors = DetectorKinds.Shift | DetectorKinds.Change, AlarmLevel = 0.95 }), values);

        // Without novelty, statistical surprises are discounted (StatisticalPenalty): a 6σ shift reaches 0.95 at once.
        Assert.True(scores.Take(1_500).Count(s => s.Probability >= 0.95) <= 15, "at most 1% of the points before reach 0.95");
        var first = scores.FindIndex(1_500, s => s.Probability >= 0.95);
        Assert.InRange(first, 1_500, 1_503);
        Assert.Equal(1, scores.Skip(first).Take(50).Count(s => s.Probability >= 0.95));
        Assert.All(scores.Skip(first + 1).Take(49), s => Assert.True(s.Probability <= 0.5, "the refractory period halves the probabilities after an alarm"));
    }

    [Fact]
    public void ASteadyRiseIsForecastToReachItsLimitAndAFallIsNot()
    {
        // Memory rising 0.25 points a minute from 20%, one point a minute for 200 minutes: at 70% now, 100% in 120 minutes.
        var detector = new MetricDetector();
        Run(detector, Enumerable.Range(0, 201).Select(i => 20 + (0.25 * i)), TimeSpan.FromMinutes(1));

        var forecast = detector.Forecast(100)!;
        Assert.InRange(forecast.SlopePerMinute, 0.24, 0.26);
        Assert.InRange(forecast.Current, 69, 71);
        Assert.InRange(forecast.ReachedIn.TotalMinutes, 110, 130);
        Assert.Equal(TimeSpan.Zero, detector.Forecast(60)!.ReachedIn);
        Assert.Null(detector.Forecast(30, upward: false));
        Assert.Equal(TimeSpan.Zero, detector.Forecast(80, upward: false)!.ReachedIn);

        var falling = new MetricDetector();
        Run(falling, Enumerable.Range(0, 200).Select(i => 80 - (0.25 * i)), TimeSpan.FromMinutes(1));
        Assert.Null(falling.Forecast(100));
        Assert.Null(new MetricDetector().Forecast(100));
    }

    [Fact]
    public void AFlatSeriesDoesNotAlarmOnItsOwnValueAndBadInputIsRefused()
    {
        var scores = Run(new MetricDetector(), Enumerable.Repeat(7.0, 1_000));
        Assert.All(scores, s => Assert.Equal(0, s.Probability));

        var detector = new MetricDetector();
        Assert.Throws<ArgumentOutOfRangeException>(() => detector.Update(Start, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => detector.Update(Start, double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => new MetricDetector(new DetectorOptions { Warmup = 1 }));
        Assert.Throws<ArgumentException>(() => new MetricDetector(new DetectorOptions { LevelRate = 0 }));
        Assert.Throws<ArgumentException>(() => new MetricDetector(new DetectorOptions { NoveltyMargin = -1 }));
        Assert.Throws<ArgumentException>(() => new MetricDetector(new DetectorOptions { Phases = 2 }));
        Assert.Throws<ArgumentException>(() => new MetricDetector(new DetectorOptions { Phases = 1_441 }));
    }

    [Fact]
    public void TheTailIsTheShareOfRememberedScoresAtLeastAsHighAndForgetsTheOldest()
    {
        var tail = new TailProbability(100);
        Assert.Equal(1, tail.Of(5));
        for (var i = 1; i <= 100; i++)
        {
            tail.Learn(i);
        }

        // 11 of 100 scores are at least 90 (one bin is 1.1% wide: 89.x shares no bin with 90): (11 + 1) / 101.
        Assert.Equal(12.0 / 101, tail.Of(90), 6);
        Assert.Equal(101.0 / 101, tail.Of(0), 6);
        var beyond = tail.Of(150);
        Assert.True(beyond < 1.0 / 101 && beyond > 0, $"{beyond}");
        Assert.True(tail.Of(300) < beyond);

        // A hundred low scores push the high ones out.
        for (var i = 0; i < 100; i++)
        {
            tail.Learn(0.5);
        }

        Assert.Equal(100, tail.Count);
        Assert.True(tail.Of(90) < 1.0 / 101);
    }
}
