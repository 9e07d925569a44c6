namespace HealingGrains.Grains.Telemetry;

/// <summary>
/// How far this process's stream processing lags behind ingestion: a moving average of the time from a batch's
/// acceptance to its processing, as the classifier grains observe it. Admission control sheds new ingest while it is
/// high, so that the streams' queues stop growing; an observation older than <see cref="Memory"/> no longer counts (a
/// process that processes nothing has no lag to report). A batch accepted before processing last failed (storage was
/// down; a call's timeout, the sign of overload, does not count) waited for that failure, not for a backlog: its lag is not observed, or a few batches held up by a
/// storage outage would keep new ingest shed long after storage is back, while nothing new is processed to dilute them.
/// </summary>
public sealed class IngestPressure(TimeProvider time)
{
    /// <summary>How long an observation counts.</summary>
    public static readonly TimeSpan Memory = TimeSpan.FromSeconds(5);

    // The weight of a new observation in the average: about the last ten batches.
    private const double Weight = 0.1;

    private readonly Lock _lock = new();
    private double _lagSeconds;
    private DateTimeOffset _observedAt = DateTimeOffset.MinValue;
    private DateTimeOffset _failedAt = DateTimeOffset.MinValue;

    // What Lag reads, written under the lock, read without it (every ingest request reads it): the average's bits and
    // when it was last observed, in UTC ticks. The two may be one observation apart, which changes nothing.
    private long _publishedLagBits;
    private long _publishedObservedTicks = DateTimeOffset.MinValue.UtcTicks;

    /// <summary>Records one batch's lag.</summary>
    public void Observe(TimeSpan lag)
    {
        var seconds = Math.Max(0, lag.TotalSeconds);
        var now = time.GetUtcNow();
        lock (_lock)
        {
            _lagSeconds = now - _observedAt > Memory ? seconds : (_lagSeconds * (1 - Weight)) + (seconds * Weight);
            _observedAt = now;
            Volatile.Write(ref _publishedLagBits, BitConverter.DoubleToInt64Bits(_lagSeconds));
            Volatile.Write(ref _publishedObservedTicks, now.UtcTicks);
        }
    }

    /// <summary>Records the lag of a batch accepted at <paramref name="receivedAt"/>, unless it was accepted before the last failure.</summary>
    public void Observe(DateTimeOffset receivedAt)
    {
        lock (_lock)
        {
            if (receivedAt <= _failedAt)
            {
                return;
            }
        }

        Observe(time.GetUtcNow() - receivedAt);
    }

    /// <summary>Records that processing a batch failed now: the batches accepted until now were held up by it.</summary>
    public void Failed()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            _failedAt = now;
        }
    }

    /// <summary>The current lag: the average of recent observations, zero when there are none.</summary>
    public TimeSpan Lag
    {
        get
        {
            var observedTicks = Volatile.Read(ref _publishedObservedTicks);
            return time.GetUtcNow().UtcTicks - observedTicks > Memory.Ticks
                ? TimeSpan.Zero
                : TimeSpan.FromSeconds(BitConverter.Int64BitsToDouble(Volatile.Read(ref _publishedLagBits)));
        }
    }
}
