using Orleans.Streams;

namespace HealingGrains.Storage.Queues;

/// <summary>
/// The pulling agent's cache of one queue (in-process or Azure): the batches read, in the queue's order, each kept until
/// every cursor of its stream has moved past it. A cursor remembers the sequence number from which it looks for its
/// stream's next batch, so a batch read for a stream whose consumer is idle stays until that consumer takes it, and an
/// idle consumer holds nothing of the other streams. A batch whose delivery the agent gave up on is purged like the others
/// but reported undelivered, so a durable queue does not delete it (it is read again later).
/// </summary>
/// <remarks>
/// Orleans' <c>SimpleQueueCache</c> was tried first. It purges whole buckets that no cursor points into, and a cursor
/// that has run out of batches points into none: a batch read for an idle consumer could be purged before the agent woke
/// that consumer, and the agent then failed its read with a cache miss (seven times in a minute at 190,000 events a
/// second). Here nothing a cursor has not passed is purged. The purge reports what it removed to the receiver as delivered,
/// and the Azure receiver deletes those messages: a batch purged before its consumer got it was lost for good.
/// </remarks>
internal sealed class CursorQueueCache : IQueueCache
{
    /// <summary>Batches held before the agent stops reading until consumers catch up (a read may add up to 1,024 beyond).</summary>
    public const int MaxBatches = 4096;

    /// <summary>Each read adds at most this many, so that a long queue is read in steps between deliveries.</summary>
    public const int MaxAddCount = 1024;

    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<StreamId, List<Cursor>> _cursors = [];
    private readonly HashSet<long> _failed = [];
    private readonly bool _tracksDeliveries;
    private int _first;
    private long _nextSequence;

    /// <summary>
    /// A cache for a queue that can deliver a batch again (<paramref name="tracksDeliveries"/>: the durable stream) holds
    /// each consumer's batch in delivery until that consumer takes again, and its purge reports a batch whose delivery
    /// failed as <see cref="UndeliveredBatchContainer"/>. It needs the agent to deliver one batch per call
    /// (<c>BatchContainerBatchSize</c> 1): the agent does not say which batches a failed call held, and with several per
    /// call a cursor cannot tell where one call's batches end. A queue in memory has nowhere to deliver a batch again from.
    /// </summary>
    public CursorQueueCache(bool tracksDeliveries = false) => _tracksDeliveries = tracksDeliveries;

    /// <summary>Batches held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count - _first;
            }
        }
    }

    /// <summary>At most this many per read; never 0, since the agent purges only when it reads (it backs off when <see cref="IsUnderPressure"/> after purging).</summary>
    public int GetMaxAddCount() => MaxAddCount;

    /// <inheritdoc/>
    public bool IsUnderPressure() => Count >= MaxBatches;

    /// <inheritdoc/>
    public void AddToCache(IList<IBatchContainer> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        lock (_lock)
        {
            foreach (var message in messages)
            {
                var sequence = message.SequenceToken.SequenceNumber;
                if (sequence < _nextSequence)
                {
                    throw new ArgumentException($"Batch {sequence} is older than the last one cached ({_nextSequence - 1}): a queue's batches are cached in order.", nameof(messages));
                }

                _entries.Add(new Entry(sequence, message));
                _nextSequence = sequence + 1;
            }
        }
    }

    /// <inheritdoc/>
    public bool TryPurgeFromCache(out IList<IBatchContainer> purgedItems)
    {
        lock (_lock)
        {
            // Oldest first, up to the first batch a cursor of its stream has not passed: a consumer behind holds what
            // came after it (that is the back pressure), an idle one holds nothing. A batch of a stream with no cursor at
            // all has no consumer: the agent pins a new stream's batches with a cursor of its own until it knows them.
            // Read every few milliseconds on every queue: nothing is allocated when nothing is purged.
            List<IBatchContainer>? purged = null;
            while (_first < _entries.Count && !Pending(_entries[_first]))
            {
                // A batch a consumer failed to take is reported as such: a durable queue deletes what was delivered.
                var batch = _entries[_first].Batch;
                (purged ??= []).Add(_failed.Count > 0 && _failed.Remove(_entries[_first].Sequence) ? new UndeliveredBatchContainer(batch) : batch);
                _first++;
            }

            if (_first > 0 && _first * 2 >= _entries.Count)
            {
                _entries.RemoveRange(0, _first);
                _first = 0;
            }

            purgedItems = purged ?? (IList<IBatchContainer>)[];
            return purged is not null;
        }
    }

    private bool Pending(Entry entry)
    {
        if (_cursors.TryGetValue(entry.Batch.StreamId, out var cursors))
        {
            foreach (var cursor in cursors)
            {
                if (cursor.HeldFrom <= entry.Sequence)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursor(StreamId streamId, StreamSequenceToken? token) =>
        QueueCacheCursorResult<IQueueCacheCursor>.FromCursor(GetCacheCursor(streamId, token));

    /// <inheritdoc/>
    public IQueueCacheCursor GetCacheCursor(StreamId streamId, StreamSequenceToken? token)
    {
        lock (_lock)
        {
            // No token: from the newest batch held (or the next one read, when none is).
            var next = token?.SequenceNumber ?? (_entries.Count > _first ? _entries[^1].Sequence : _nextSequence);
            var cursor = new Cursor(this, streamId, next);
            if (!_cursors.TryGetValue(streamId, out var cursors))
            {
                _cursors[streamId] = cursors = [];
            }

            cursors.Add(cursor);
            return cursor;
        }
    }

    // The stream's first batch at or after the cursor's position, moving the position past it; null when none is held yet
    // (the position then moves past everything held, none of which is the stream's).
    private IBatchContainer? Next(Cursor cursor)
    {
        lock (_lock)
        {
            IBatchContainer? found = null;
            for (var i = FirstAtOrAfter(cursor.Next); i < _entries.Count; i++)
            {
                if (_entries[i].Batch.StreamId.Equals(cursor.StreamId))
                {
                    cursor.Next = _entries[i].Sequence + 1;
                    found = _entries[i].Batch;
                    break;
                }
            }

            if (found is null)
            {
                cursor.Next = Math.Max(cursor.Next, _nextSequence);
            }

            if (_tracksDeliveries)
            {
                // The agent takes one batch, delivers it, and takes again (even when the delivery failed; finding none,
                // it stops until the next read for the stream): a take means the previous delivery is over.
                cursor.InDelivery = found?.SequenceToken.SequenceNumber;
            }

            return found;
        }
    }

    // The index of the first batch held whose sequence number is at least the given one (binary search; in order).
    private int FirstAtOrAfter(long sequence)
    {
        var (low, high) = (_first, _entries.Count);
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (_entries[middle].Sequence < sequence)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private void RecordFailure(Cursor cursor)
    {
        lock (_lock)
        {
            if (cursor.InDelivery is { } sequence)
            {
                _failed.Add(sequence);
                cursor.InDelivery = null;
            }
        }
    }

    private void Remove(Cursor cursor)
    {
        lock (_lock)
        {
            if (_cursors.TryGetValue(cursor.StreamId, out var cursors) && cursors.Remove(cursor) && cursors.Count == 0)
            {
                _cursors.Remove(cursor.StreamId);
            }
        }
    }

    private readonly record struct Entry(long Sequence, IBatchContainer Batch);

    private sealed class Cursor(CursorQueueCache cache, StreamId streamId, long next) : IQueueCacheCursor
    {
        private IBatchContainer? _current;

        public StreamId StreamId { get; } = streamId;

        // The rest is written and read under the cache's lock.
        public long Next { get; set; } = next;

        // The batch taken last, while its delivery may still fail (tracked only when the cache tracks deliveries).
        public long? InDelivery { get; set; }

        // Held from the batch in delivery, or else from the position.
        public long HeldFrom => InDelivery ?? Next;

        public IBatchContainer? GetCurrent(out Exception? exception)
        {
            exception = null;
            return _current;
        }

        [Obsolete("Use MoveNextWithResult instead.")]
        public bool MoveNext() => MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success;

        // Never a cache miss: nothing this cursor has not passed is purged.
        public QueueCacheCursorMoveResult MoveNextWithResult()
        {
            _current = cache.Next(this);
            return _current is null ? QueueCacheCursorMoveResult.NoData : QueueCacheCursorMoveResult.Success;
        }

        // Nothing to do: MoveNext always looks at everything held.
        public void Refresh(StreamSequenceToken token)
        {
        }

        // The agent gave up on the delivery of the batch taken last, after its own retries: the purge reports it
        // undelivered, so a durable queue keeps its message and it is read again (other consumers of the stream that took
        // it deduplicate the copy). Untracked: a batch in memory has nowhere to be read again from.
        public void RecordDeliveryFailure() => cache.RecordFailure(this);

        public void Dispose() => cache.Remove(this);
    }
}

/// <summary>
/// A batch the purge removed without its delivery: a consumer's delivery failed. The receiver does not delete its message,
/// which is read again once hidden no longer.
/// </summary>
public sealed class UndeliveredBatchContainer(IBatchContainer batch) : IBatchContainer
{
    /// <summary>The batch as read.</summary>
    public IBatchContainer Batch { get; } = batch;

    /// <inheritdoc/>
    public StreamId StreamId => Batch.StreamId;

    /// <inheritdoc/>
    public StreamSequenceToken SequenceToken => Batch.SequenceToken;

    /// <inheritdoc/>
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() => Batch.GetEvents<T>();

    /// <inheritdoc/>
    public bool ImportRequestContext() => Batch.ImportRequestContext();
}
