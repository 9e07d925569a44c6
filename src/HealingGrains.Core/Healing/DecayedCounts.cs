namespace HealingGrains.Core.Healing;

/// <summary>
/// Successes and failures that fade with age: each observation's weight halves every <c>halfLife</c>, so what worked
/// last month counts less than what worked today, and a fix that stopped working is noticed.
/// </summary>
public readonly record struct DecayedCounts(double Successes, double Failures, DateTimeOffset AsOf)
{
    /// <summary>No observations.</summary>
    public static DecayedCounts Empty => new(0, 0, DateTimeOffset.MinValue);

    /// <summary>Both counts together.</summary>
    public double Total => Successes + Failures;

    /// <summary>The counts as seen at <paramref name="now"/>.</summary>
    public DecayedCounts DecayedTo(DateTimeOffset now, TimeSpan halfLife)
    {
        if (Total == 0 || now <= AsOf)
        {
            return this with { AsOf = Total == 0 ? now : AsOf };
        }

        var factor = Math.Pow(0.5, (now - AsOf) / halfLife);
        return new DecayedCounts(Successes * factor, Failures * factor, now);
    }

    /// <summary>These counts, decayed to <paramref name="now"/>, plus one outcome.</summary>
    public DecayedCounts With(bool succeeded, DateTimeOffset now, TimeSpan halfLife)
    {
        var decayed = DecayedTo(now, halfLife);
        return succeeded
            ? decayed with { Successes = decayed.Successes + 1 }
            : decayed with { Failures = decayed.Failures + 1 };
    }

    /// <summary>These counts scaled down so that their total is at most <paramref name="cap"/>: a capped pseudo-count.</summary>
    public DecayedCounts CappedAt(double cap) =>
        Total <= cap ? this : new DecayedCounts(Successes * cap / Total, Failures * cap / Total, AsOf);
}
