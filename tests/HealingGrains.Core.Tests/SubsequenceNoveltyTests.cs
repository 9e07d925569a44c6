using HealingGrains.Core.Detection;

namespace HealingGrains.Core.Tests;

public sealed class SubsequenceNoveltyTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    // A cycle of ten levels: low, low, low, high, high, high, middle, middle, low, low.
    private static readonly int[] Cycle = [0, 0, 0, 2, 2, 2, 1, 1, 0, 0];

    [Fact]
    public void ARepeatedPatternIsNewOnlyOnItsFirstCycleAndANeverSeenTransitionIsNewAtLengthTwo()
    {
        var shapes = new SubsequenceNovelty(levels: 3, length: 3, age: 1_000);
        var first = Cycle.Select(shapes.Learn).ToList();
        Assert.Contains(first, s => s > 0);
        Assert.Equal(1, first[0]);

        // Once the cycle has been seen, it is never new again.
        for (var i = 0; i < 50; i++)
        {
            Assert.All(Cycle, level => Assert.Equal(0, shapes.Learn(level)));
        }

        // High straight to low was never seen: the pair is new (each level alone was seen).
        Assert.Equal(0, shapes.Learn(0));
        Assert.Equal(0, shapes.Learn(2));
        Assert.Equal(2, shapes.Learn(0));

        // A level outside the table is refused.
        Assert.Throws<ArgumentOutOfRangeException>(() => shapes.Learn(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SubsequenceNovelty(levels: 1, length: 3, age: 10));
    }

    [Fact]
    public void AShapeNotSeenForLongerThanItsAgeIsNewAgain()
    {
        var shapes = new SubsequenceNovelty(levels: 2, length: 2, age: 20);
        Assert.Equal(1, shapes.Learn(0));
        Assert.Equal(2, shapes.Learn(0));
        Assert.Equal(1, shapes.Learn(1));
        Assert.Equal(2, shapes.Learn(0));
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(0, shapes.Learn(0));
        }

        // The level 1 was last seen 32 points ago: forgotten.
        Assert.Equal(1, shapes.Learn(1));
    }

    [Fact]
    public void ABrokenShapeWithinTheUsualRangeIsFoundByTheShapeDetectorAlone()
    {
        // Five-minute points repeating the ten-point cycle (no daily season fits it), levels 10, 20, 30, with a little noise.
        // At point 2,500 the cycle jumps from high straight to low and back: every value is an ordinary one.
        var random = new Random(5);
        var values = Enumerable.Range(0, 3_000).Select(i => (10.0 * (1 + Cycle[i % Cycle.Length])) + (0.3 * random.NextDouble())).ToList();
        values[2_506] = 10 + (0.3 * random.NextDouble());
        values[2_507] = 30 + (0.3 * random.NextDouble());

        List<AnomalyScore> Run(DetectorKinds kinds)
        {
            var detector = new MetricDetector(new DetectorOptions { Detectors = kinds });
            return [.. values.Select((v, i) => detector.Update(Start + (i * TimeSpan.FromMinutes(5)), v))];
        }

        var with = Run(DetectorKinds.All);
        var without = Run(DetectorKinds.All & ~DetectorKinds.Shape);

        Assert.True(with.Skip(2_506).Take(2).Max(s => s.Probability) >= 0.99, $"with shapes: {with[2_506].Probability}, {with[2_507].Probability}");
        Assert.True(with[2_506].Shape < 0.01, $"shape tail {with[2_506].Shape}");
        Assert.True(without.Skip(2_506).Take(2).Max(s => s.Probability) < 0.99, $"without shapes: {without[2_506].Probability}, {without[2_507].Probability}");

        // The regular cycle before it raises no shape alarm once learned.
        Assert.All(with.Skip(500).Take(2_000), s => Assert.True(s.Probability < 0.99, $"{s}"));
    }
}
