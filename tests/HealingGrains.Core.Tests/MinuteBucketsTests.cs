using HealingGrains.Core.Temporal;

namespace HealingGrains.Core.Tests;

public sealed class MinuteBucketsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 30, 20, TimeSpan.Zero);

    [Fact]
    public void CountsOccurrencesPerMinute()
    {
        var buckets = new SortedDictionary<long, long>();

        MinuteBuckets.Add(buckets, Now.AddSeconds(-5), Now);
        MinuteBuckets.Add(buckets, Now.AddSeconds(-10), Now);
        MinuteBuckets.Add(buckets, Now.AddMinutes(-2), Now);

        Assert.Equal([1L, 2L], buckets.Values);
        Assert.Equal(MinuteBuckets.MinuteOf(Now), buckets.Keys.Last());
    }

    [Fact]
    public void IgnoresOccurrencesOlderThanTheWindowAndCountsFutureOnesNow()
    {
        var buckets = new SortedDictionary<long, long>();

        MinuteBuckets.Add(buckets, Now.AddHours(-25), Now);
        MinuteBuckets.Add(buckets, Now.AddHours(3), Now);

        Assert.Equal(MinuteBuckets.MinuteOf(Now), Assert.Single(buckets).Key);
    }

    [Fact]
    public void PruneDropsMinutesThatLeftTheWindow()
    {
        var buckets = new SortedDictionary<long, long>();
        MinuteBuckets.Add(buckets, Now.AddHours(-23), Now);
        MinuteBuckets.Add(buckets, Now.AddMinutes(-1), Now);

        MinuteBuckets.Prune(buckets, Now.AddHours(2));

        Assert.Equal(MinuteBuckets.MinuteOf(Now.AddMinutes(-1)), Assert.Single(buckets).Key);
    }
}
