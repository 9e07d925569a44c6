namespace HealingGrains.Core.Temporal;

/// <summary>
/// Per-minute occurrence counts over a sliding window, stored sparsely (only minutes with occurrences) so that
/// a rare error costs a few entries and a frequent one at most one entry a minute.
/// </summary>
public static class MinuteBuckets
{
    /// <summary>The window kept: 24 hours.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>The Unix minute of a point in time.</summary>
    public static long MinuteOf(DateTimeOffset time) => time.ToUnixTimeSeconds() / 60;

    /// <summary>
    /// Counts one occurrence at <paramref name="time"/> unless it falls outside the window ending at
    /// <paramref name="now"/>; occurrences from the future (a sender's clock running ahead) count at <paramref name="now"/>.
    /// </summary>
    public static void Add(IDictionary<long, long> buckets, DateTimeOffset time, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        var minute = MinuteOf(time > now ? now : time);
        if (minute <= MinuteOf(now - Window))
        {
            return;
        }

        buckets[minute] = buckets.TryGetValue(minute, out var count) ? count + 1 : 1;
    }

    /// <summary>Removes the minutes that left the window ending at <paramref name="now"/>.</summary>
    public static void Prune(SortedDictionary<long, long> buckets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        var oldest = MinuteOf(now - Window);
        while (buckets.Count > 0)
        {
            var first = buckets.Keys.First();
            if (first > oldest)
            {
                break;
            }

            buckets.Remove(first);
        }
    }
}
