namespace HealingGrains.Grains.Telemetry;

/// <summary>
/// How far this process's stream processing lags behind ingestion: a moving average of the time from a batch's
/// acceptance to its processing, as the classifier grains observe it. Admission control sheds new ingest while it is
/// high, so that the streams' queues stop growing; an observation older than <see cref="Memory"/> no longer counts (a
/// process that processes nothing has no lag to report). A batch accepted before processing last failed (storage was
/// down; a call's timeout, the sign of overload, does not count) waited for that failure, not for a backlog: its lag is not observed, or a few batches held up by a
/// storage outage would keep new ingest shed long after storage is back, while nothing new is processed to dilute them.
/// It also counts the events processed in the last second: the lag times that rate is how many events wait (Little's
/// law), which tells a backlog from a machine that is only slow (a lag with next to nothing waiting). And it counts what
/// admission offers and accepts, so that an overloaded host can shed what it is offered beyond what it processes.
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
    private long _publishedRateBits;
    private long _publishedPeakBits;

    // Events processed in about the last second, for the rate.
    private readonly Counts _processed = new(1);

    // What admission sees, on one clock so that their ratios hold: the ingest requests offered (that reached the lag's
    // check), those that passed it, and the events accepted (published). Written under their own lock; the offered
    // events per second they give is published for every request to read without it.
    private const int OfferedRequests = 0;
    private const int PassedRequests = 1;
    private const int AcceptedEvents = 2;
    private readonly Lock _admissionLock = new();
    private readonly Counts _admission = new(3);
    private long _publishedOfferedBits = BitConverter.DoubleToInt64Bits(double.NaN);
    private long _publishedAcceptedBits;

    // When the oldest event accepted since processing last started was accepted, in UTC ticks (0: none is waiting).
    private long _waitingSinceTicks;

    /// <summary>Records the processing of <paramref name="events"/> events, the oldest of which waited <paramref name="lag"/>.</summary>
    public void Observe(TimeSpan lag, int events = 1)
    {
        var seconds = Math.Max(0, lag.TotalSeconds);
        var now = time.GetUtcNow();
        lock (_lock)
        {
            _lagSeconds = now - _observedAt > Memory ? seconds : (_lagSeconds * (1 - Weight)) + (seconds * Weight);
            _observedAt = now;
            Count(now, Math.Max(0, events));
            Volatile.Write(ref _waitingSinceTicks, 0);
            Volatile.Write(ref _publishedLagBits, BitConverter.DoubleToInt64Bits(_lagSeconds));
            Volatile.Write(ref _publishedObservedTicks, now.UtcTicks);
        }
    }

    /// <summary>
    /// Records the processing of <paramref name="events"/> events, the oldest accepted at <paramref name="receivedAt"/>;
    /// the lag is not observed when it was accepted before the last failure (the events still count).
    /// </summary>
    public void Observe(DateTimeOffset receivedAt, int events)
    {
        lock (_lock)
        {
            if (receivedAt <= _failedAt)
            {
                Count(time.GetUtcNow(), Math.Max(0, events));
                Volatile.Write(ref _waitingSinceTicks, 0);
                return;
            }
        }

        Observe(time.GetUtcNow() - receivedAt, events);
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

    /// <summary>
    /// The most events processed per second lately: the current rate, or what was processed in the last whole second if
    /// that was more; zero when nothing was observed recently. What the host has just shown it can process, which a
    /// pause of processing shorter than a second (a collection, a slow commit) does not lower, so that such a pause does
    /// not read as an overload; a slowdown that lasts is read within a second or two.
    /// </summary>
    public double PeakEventsPerSecond =>
        time.GetUtcNow().UtcTicks - Volatile.Read(ref _publishedObservedTicks) > Memory.Ticks
            ? 0
            : BitConverter.Int64BitsToDouble(Volatile.Read(ref _publishedPeakBits));

    /// <summary>Events processed per second, over about the last second; zero when nothing was observed recently.</summary>
    public double EventsPerSecond =>
        time.GetUtcNow().UtcTicks - Volatile.Read(ref _publishedObservedTicks) > Memory.Ticks
            ? 0
            : BitConverter.Int64BitsToDouble(Volatile.Read(ref _publishedRateBits));

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

    /// <summary>An ingest request reached admission's check of the lag (whether or not it is then shed).</summary>
    public void Offered()
    {
        var now = time.GetUtcNow();
        lock (_admissionLock)
        {
            _admission.Add(now, OfferedRequests, 1);
            var passed = _admission.Rate(now, PassedRequests);
            var offered = passed > 0
                ? _admission.Rate(now, AcceptedEvents) * _admission.Rate(now, OfferedRequests) / passed
                : double.NaN;
            Volatile.Write(ref _publishedOfferedBits, BitConverter.DoubleToInt64Bits(offered));
        }
    }

    /// <summary>An ingest request passed admission's check of the lag (it was not shed).</summary>
    public void Passed()
    {
        var now = time.GetUtcNow();
        lock (_admissionLock)
        {
            _admission.Add(now, PassedRequests, 1);
        }
    }

    /// <summary><paramref name="events"/> events were accepted: published on the streams, to be processed.</summary>
    public void Accepted(int events)
    {
        var now = time.GetUtcNow();
        lock (_admissionLock)
        {
            _admission.Add(now, AcceptedEvents, Math.Max(0, events));
            Volatile.Write(ref _publishedAcceptedBits, BitConverter.DoubleToInt64Bits(_admission.Rate(now, AcceptedEvents)));
        }

        if (events > 0)
        {
            Interlocked.CompareExchange(ref _waitingSinceTicks, now.UtcTicks, 0);
        }
    }

    /// <summary>Events accepted per second lately (counted as <see cref="OfferedEventsPerSecond"/> is; 0 before any).</summary>
    public double AcceptedEventsPerSecond => BitConverter.Int64BitsToDouble(Volatile.Read(ref _publishedAcceptedBits));

    /// <summary>
    /// How long the oldest event accepted since processing last started has waited (zero when none was accepted since).
    /// <see cref="Lag"/> is observed when processing starts, so it cannot see processing that has stopped: a host
    /// starved of CPU by the requests it takes in delivered nothing for seconds while it went on accepting, and its lag
    /// held the last value observed. This grows meanwhile. In a cluster a host may accept events that other hosts
    /// process, so it says something only when this host also processes (admission reads it only while this process's
    /// thread pool is oversubscribed; see <see cref="DispatchDelay"/>).
    /// </summary>
    public TimeSpan Waiting
    {
        get
        {
            var since = Volatile.Read(ref _waitingSinceTicks);
            return since == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Max(0, time.GetUtcNow().UtcTicks - since));
        }
    }

    /// <summary>
    /// The events per second offered to this host over about the last second, shed ones included: the events accepted
    /// per second times the requests offered per request that passed the lag's check. NaN when no request passed it
    /// lately (all were shed, or none came), so what is offered is not known. Requests that pass the check and are then
    /// refused (a tenant's rate, a bad body) count as passed with no events, so this errs low, never high.
    /// </summary>
    public double OfferedEventsPerSecond => BitConverter.Int64BitsToDouble(Volatile.Read(ref _publishedOfferedBits));

    // Called under the lock.
    private void Count(DateTimeOffset now, long events)
    {
        _processed.Add(now, 0, events);
        var rate = _processed.Rate(now, 0);
        Volatile.Write(ref _publishedRateBits, BitConverter.DoubleToInt64Bits(rate));
        Volatile.Write(ref _publishedPeakBits, BitConverter.DoubleToInt64Bits(Math.Max(rate, _processed.LastWholeSecond(0))));
    }

    /// <summary>
    /// Counts of a few kinds in two one-second buckets; a rate is the current bucket plus the part of the previous one
    /// still within the last second, so it moves smoothly rather than dropping to nothing when a bucket turns over.
    /// Counting that began less than a second ago (the host started, or counted nothing for two seconds) is divided by
    /// the time it has run, at least a quarter second: the first tenths of a second of an overload read its rate, not a
    /// fraction of it (which delayed the first shed by two seconds). Not thread-safe: its owner locks.
    /// </summary>
    private sealed class Counts(int kinds)
    {
        private readonly long[] _bucket = new long[kinds];
        private readonly long[] _previous = new long[kinds];
        private DateTimeOffset _bucketStart = DateTimeOffset.MinValue;
        private DateTimeOffset _countingSince;

        public void Add(DateTimeOffset now, int kind, long count)
        {
            Roll(now);
            _bucket[kind] += count;
        }

        public double Rate(DateTimeOffset now, int kind)
        {
            Roll(now);
            var elapsed = (now - _bucketStart).TotalSeconds;
            var window = Math.Clamp((now - _countingSince).TotalSeconds, 0.25, 1);
            return (_bucket[kind] + (_previous[kind] * Math.Max(0, 1 - elapsed))) / window;
        }

        /// <summary>
        /// What was counted in the last whole second: the previous bucket (buckets start where counting did, a second
        /// apart); zero after a gap.
        /// </summary>
        public long LastWholeSecond(int kind) => _previous[kind];

        private void Roll(DateTimeOffset now)
        {
            var elapsed = now - _bucketStart;
            if (elapsed < TimeSpan.FromSeconds(1))
            {
                return;
            }

            var gap = elapsed >= TimeSpan.FromSeconds(2);
            for (var k = 0; k < _bucket.Length; k++)
            {
                _previous[k] = gap ? 0 : _bucket[k];
                _bucket[k] = 0;
            }

            _bucketStart = gap ? now : _bucketStart + TimeSpan.FromSeconds(1);
            _countingSince = gap ? now : _countingSince;
        }
    }
}
