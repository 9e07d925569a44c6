using System.Buffers.Binary;

namespace HealingGrains.Grains;

/// <summary>
/// How long a grain remembers the batches it applied. A durable stream delivers a batch again only after its first
/// delivery failed or its silo died: within the queue's visibility timeout plus failure detection, minutes at most. The
/// memory stream delivers again only a delivery that failed, within its agent's retries (a minute); a dead silo's
/// memory stream is lost with it.
/// </summary>
public sealed class AppliedBatchWindow
{
    /// <summary>Entries kept however old they are: a fingerprint quiet during an outage still knows its last batches.</summary>
    public int KeptByCount { get; set; } = 256;

    /// <summary>Entries younger than this are kept however many there are, up to <see cref="MaxEntries"/>.</summary>
    public TimeSpan KeptByAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The hard bound on the entries of one grain (20 bytes each: 80 KiB at 4,096).</summary>
    public int MaxEntries { get; set; } = 4096;

    /// <summary>
    /// Whether the memory is stored with the grain's state. A durable stream may deliver a batch again to another silo
    /// after this one died, so the ids must be stored with the counts. The memory stream delivers again only to the
    /// activation whose delivery failed (it dies with its silo), so the memory of that activation is enough, and the
    /// state written for every batch stays small.
    /// </summary>
    public bool Stored { get; set; } = true;

    /// <summary>Sets the memory stream's window: an activation's own memory of the last minute's batches, not stored.</summary>
    public static void InMemory(AppliedBatchWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        (window.KeptByCount, window.KeptByAge, window.Stored) = (0, TimeSpan.FromMinutes(1), false);
    }
}

/// <summary>
/// The bounded memory of the batches a grain applied: a set to ask, a queue to forget the oldest first. When the window
/// is stored, it is loaded from the state and written back with the counts the batches change, so that both are
/// stored together, as one block of bytes, 20 an entry (the batch id, then the Unix second it was applied), oldest
/// first: a state write copies it at once, where a list of objects cost a codec call and a reference-tracking entry
/// per batch on every write.
/// </summary>
public sealed class AppliedBatchLog
{
    /// <summary>Bytes per stored entry.</summary>
    public const int EntrySize = 20;

    // Up to this many entries a scan of the array is as fast as a set, and an idle fingerprint (one or two batches in
    // the last minute) keeps one small array rather than a set and a queue: a million of them are in memory at once.
    private const int ScanLimit = 32;

    private (Guid Id, DateTimeOffset At)[] _entries = [];
    private int _start;
    private int _count;
    private HashSet<Guid>? _index;

    /// <summary>The number of batches remembered.</summary>
    public int Count => _count;

    /// <summary>The log a stored byte log holds.</summary>
    public static AppliedBatchLog From(ReadOnlySpan<byte> stored)
    {
        var log = new AppliedBatchLog();
        for (var at = 0; at + EntrySize <= stored.Length; at += EntrySize)
        {
            var id = new Guid(stored.Slice(at, 16));
            if (!log.Contains(id))
            {
                log.Append(id, DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadUInt32LittleEndian(stored.Slice(at + 16, 4))));
            }
        }

        return log;
    }

    /// <summary>Whether <paramref name="batchId"/> was applied; an empty id never was.</summary>
    public bool Contains(Guid batchId)
    {
        if (batchId == Guid.Empty)
        {
            return false;
        }

        if (_index is { } index)
        {
            return index.Contains(batchId);
        }

        for (var i = _start; i < _start + _count; i++)
        {
            if (_entries[i].Id == batchId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Remembers <paramref name="batchIds"/> (not empty ones), and forgets what is both beyond the count and the age kept.</summary>
    public void Add(IEnumerable<Guid> batchIds, DateTimeOffset now, AppliedBatchWindow window)
    {
        ArgumentNullException.ThrowIfNull(batchIds);
        ArgumentNullException.ThrowIfNull(window);
        foreach (var id in batchIds)
        {
            if (id != Guid.Empty && !Contains(id))
            {
                Append(id, now);
            }
        }

        var oldestKept = now - window.KeptByAge;
        while (_count > window.KeptByCount && (_count > window.MaxEntries || _entries[_start].At < oldestKept))
        {
            _index?.Remove(_entries[_start].Id);
            _entries[_start] = default;
            _start++;
            _count--;
        }

        if (_count == 0)
        {
            (_entries, _start, _index) = ([], 0, null);
        }
        else if (_count <= ScanLimit / 2)
        {
            _index = null;
        }
    }

    /// <summary>The stored form: 20 bytes an entry, oldest first.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[_count * EntrySize];
        for (var i = 0; i < _count; i++)
        {
            var (id, applied) = _entries[_start + i];
            var at = i * EntrySize;
            id.TryWriteBytes(bytes.AsSpan(at, 16));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 16, 4), (uint)Math.Clamp(applied.ToUnixTimeSeconds(), 0, uint.MaxValue));
        }

        return bytes;
    }

    private void Append(Guid id, DateTimeOffset at)
    {
        if (_start + _count == _entries.Length)
        {
            // Full at the end: move the live entries to the front, growing only when more than half are live.
            var grown = _count * 2 >= _entries.Length ? new (Guid, DateTimeOffset)[Math.Max(2, _entries.Length * 2)] : _entries;
            Array.Copy(_entries, _start, grown, 0, _count);
            if (ReferenceEquals(grown, _entries))
            {
                Array.Clear(_entries, _count, _entries.Length - _count);
            }

            (_entries, _start) = (grown, 0);
        }

        _entries[_start + _count] = (id, at);
        _count++;
        if (_index is not null)
        {
            _index.Add(id);
        }
        else if (_count > ScanLimit)
        {
            _index = [];
            for (var i = _start; i < _start + _count; i++)
            {
                _index.Add(_entries[i].Id);
            }
        }
    }
}
