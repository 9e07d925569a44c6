using HealingGrains.Core.Evaluation;

namespace HealingGrains.Core.Tests;

public sealed class NabScorerTests
{
    private static NabSeries Series(int rows, (int, int)[] windows, params (int Row, double Score)[] detections)
    {
        var scores = new double[rows];
        foreach (var (row, score) in detections)
        {
            scores[row] = score;
        }

        return new NabSeries("s", scores, windows);
    }

    [Fact]
    public void ThePerfectDetectorScores100AndTheNullDetector0OnEveryProfile()
    {
        var windows = new[] { (40, 49), (70, 79) };
        foreach (var profile in NabProfile.All)
        {
            var perfect = NabScorer.Score([Series(100, windows, (40, 1), (70, 1)), Series(200, [(100, 119)], (100, 1))], profile);
            Assert.Equal(100, perfect.Normalized, 9);
            Assert.Equal((3, 0, 0), (perfect.TruePositives, perfect.FalseNegatives, perfect.FalsePositives));

            var none = NabScorer.Score([Series(100, windows), Series(200, [(100, 119)])], profile);
            Assert.Equal(0, none.Normalized, 9);
            Assert.Equal(-profile.FalseNegative * 3, none.Raw, 9);
        }
    }

    [Fact]
    public void ALateDetectionScoresByItsPlaceInTheWindowAndAFalsePositiveBeforeAnyWindowCostsItsWeight()
    {
        // Window [50, 59] (W = 10), detection at 55: scaledSigmoid(-5/10) / scaledSigmoid(-1) = 0.848284 / 0.986614.
        var tp = (2 / (1 + Math.Exp(-2.5)) - 1) / (2 / (1 + Math.Exp(-5)) - 1);
        Assert.Equal(0.859792, tp, 5);

        // A false positive (row 30, no window ended yet) scored higher than the detection: taking both beats taking neither.
        var both = NabScorer.Score([Series(100, [(50, 59)], (30, 0.9), (55, 0.8))], NabProfile.Standard);
        Assert.Equal(tp - 0.11, both.Raw, 9);
        Assert.Equal(0.8, both.Threshold);
        Assert.Equal(100 * (tp - 0.11 + 1) / 2, both.Normalized, 9);
        Assert.Equal((1, 0, 1), (both.TruePositives, both.FalseNegatives, both.FalsePositives));

        // Scored lower, the false positive is left out by the threshold.
        var one = NabScorer.Score([Series(100, [(50, 59)], (30, 0.5), (55, 0.8))], NabProfile.Standard);
        Assert.Equal(tp, one.Raw, 9);
        Assert.Equal(0, one.FalsePositives);

        // Only the earliest detection in a window counts; the later one adds nothing.
        var twice = NabScorer.Score([Series(100, [(50, 59)], (50, 1), (58, 1))], NabProfile.Standard);
        Assert.Equal(1, twice.Raw, 9);
    }

    [Fact]
    public void AFalsePositiveSoonAfterAWindowCostsLessThanOneLongAfter()
    {
        // Row 69 after window [50, 59]: 0.11 · scaledSigmoid(10 / 9); the low-FP profile doubles the weight.
        var near = 0.11 * (2 / (1 + Math.Exp(5 * 10.0 / 9)) - 1);
        var result = NabScorer.Score([Series(200, [(50, 59)], (50, 1), (69, 1))], NabProfile.Standard);
        Assert.Equal(1 + near, result.Raw, 9);

        var soon = NabScorer.Score([Series(200, [(50, 59)], (50, 1), (61, 1))], NabProfile.Standard);
        Assert.True(soon.Raw > result.Raw, $"{soon.Raw} vs {result.Raw}");
        var far = NabScorer.Score([Series(200, [(50, 59)], (50, 1), (150, 1))], NabProfile.RewardLowFalsePositives);
        Assert.Equal(1 - 0.22, far.Raw, 9);
    }

    [Fact]
    public void DetectionsInProbationAreIgnoredAndAMissedWindowCostsItsProfileWeight()
    {
        // 100 rows: probation is 15. A "detection" at row 5 is no false positive.
        Assert.Equal(15, NabScorer.ProbationOf(100));
        Assert.Equal(750, NabScorer.ProbationOf(10_000));
        var result = NabScorer.Score([Series(100, [(50, 59)], (5, 1))], NabProfile.RewardLowFalseNegatives);
        Assert.Equal(-2, result.Raw, 9);
        Assert.Equal(0, result.FalsePositives);
        Assert.Equal(1, result.FalseNegatives);
    }

    [Fact]
    public void ScoresOutsideZeroToOneAndBadWindowsAreRefusedWithTheSeriesName()
    {
        Assert.Contains("not in [0, 1]", Assert.Throws<ArgumentException>(() => NabScorer.Score([Series(100, [], (20, 1.5))], NabProfile.Standard)).Message);
        Assert.Contains("outside", Assert.Throws<ArgumentException>(() => NabScorer.Score([Series(100, [(90, 120)])], NabProfile.Standard)).Message);
        Assert.Contains("out of order", Assert.Throws<ArgumentException>(() => NabScorer.Score([Series(100, [(50, 60), (55, 70)])], NabProfile.Standard)).Message);
    }
}
