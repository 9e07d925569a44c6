namespace HealingGrains.Grains.Telemetry;

/// <summary>
/// How long work waits in the thread pool's queue before a thread takes it. Every request's parsing, every grain turn
/// and every stream delivery of this process goes through that one queue, so when the process is offered more than
/// its cores can do, the excess waits there first: requests are read late, before admission sees them, and the stream
/// keeps pace with what was let in, so its lag says nothing for a while. A dedicated thread (not one of the pool's)
/// queues a probe every <see cref="Interval"/> and notes when a pool thread runs it; <see cref="Current"/> is the
/// last probe's wait, or the age of the probe still waiting if that is longer, so a queue that grows is seen while it
/// grows, not when it has drained.
/// </summary>
public sealed class DispatchDelay : IDisposable
{
    /// <summary>How often a probe is queued.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    private readonly TimeProvider _time;
    private readonly Thread? _thread;
    private readonly CancellationTokenSource _stop = new();
    private long _lastWaitTicks;
    private long _queuedAtTicks;
    private int _waiting;

    /// <summary>Starts probing the thread pool (no probing when <paramref name="probe"/> is false: tests feed <see cref="Record"/> instead).</summary>
    public DispatchDelay(TimeProvider time, bool probe = true)
    {
        _time = time;
        if (probe)
        {
            _thread = new Thread(Loop) { IsBackground = true, Name = "dispatch-delay probe" };
            _thread.Start();
        }
    }

    /// <summary>The thread pool's current queueing delay (zero before the first probe).</summary>
    public TimeSpan Current
    {
        get
        {
            var last = Volatile.Read(ref _lastWaitTicks);
            if (Volatile.Read(ref _waiting) == 1)
            {
                last = Math.Max(last, _time.GetUtcNow().UtcTicks - Volatile.Read(ref _queuedAtTicks));
            }

            return TimeSpan.FromTicks(Math.Max(0, last));
        }
    }

    /// <summary>Notes a wait as if a probe had measured it.</summary>
    public void Record(TimeSpan wait) => Volatile.Write(ref _lastWaitTicks, Math.Max(0, wait.Ticks));

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _thread?.Join(TimeSpan.FromSeconds(1));
        _stop.Dispose();
    }

    private void Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            // One probe at a time: while it waits, Current grows with its age.
            if (Interlocked.CompareExchange(ref _waiting, 1, 0) == 0)
            {
                Volatile.Write(ref _queuedAtTicks, _time.GetUtcNow().UtcTicks);
                ThreadPool.UnsafeQueueUserWorkItem(static probe => probe.Ran(), this, preferLocal: false);
            }

            _stop.Token.WaitHandle.WaitOne(Interval);
        }
    }

    private void Ran()
    {
        Volatile.Write(ref _lastWaitTicks, _time.GetUtcNow().UtcTicks - Volatile.Read(ref _queuedAtTicks));
        Volatile.Write(ref _waiting, 0);
    }
}
