using HealingGrains.Core.Prediction;

namespace HealingGrains.Core.Tests;

public sealed class MetricWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MorePointsThanTheCapacityKeepOnlyTheNewest()
    {
        var window = new MetricWindow(8);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(WindowChange.Appended, window.Add(T0.AddMinutes(i), i));
        }

        Assert.Equal(8, window.Points.Count);
        Assert.Equal(Enumerable.Range(12, 8).Select(i => (double)i), window.Points.Select(p => p.Value));
    }

    [Fact]
    public void LatePointsAreInsertedInTimeOrderAndRepeatedTimestampsReplaceTheValue()
    {
        var window = new MetricWindow(4);
        window.Add(T0, 1);
        window.Add(T0.AddMinutes(2), 3);

        Assert.Equal(WindowChange.Inserted, window.Add(T0.AddMinutes(1), 2));
        Assert.Equal(WindowChange.Replaced, window.Add(T0.AddMinutes(2), 30));
        Assert.Equal([1.0, 2, 30], window.Points.Select(p => p.Value));
        Assert.Equal(3, window.Points.Count);

        window.Add(T0.AddMinutes(3), 4);
        Assert.Equal(WindowChange.Dropped, window.Add(T0.AddMinutes(-1), 0));
        Assert.Equal(WindowChange.Inserted, window.Add(T0.AddSeconds(30), 1.5));
        Assert.Equal([1.5, 2, 30, 4], window.Points.Select(p => p.Value));
    }

    [Fact]
    public void ItsBytesRoundTripAndAreSixteenPerPoint()
    {
        var window = new MetricWindow(512);
        for (var i = 0; i < 512; i++)
        {
            window.Add(T0.AddSeconds(i * 10), i / 7.0);
        }

        var bytes = window.ToBytes();
        var copy = MetricWindow.FromBytes(bytes, 512);

        Assert.Equal(1 + (512 * 16), bytes.Length);
        Assert.Equal(window.Points, copy.Points);
        Assert.Equal(window.Points.TakeLast(100), MetricWindow.FromBytes(bytes, 100).Points);
        Assert.Throws<FormatException>(() => MetricWindow.FromBytes(bytes.AsSpan(0, 20), 512));
    }
}
