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

    /// <summary>The memory stream's: an activation's own memory of the last minute's batches.</summary>
    public static AppliedBatchWindow InMemory => new() { KeptByCount = 0, KeptByAge = TimeSpan.FromMinutes(1), Stored = false };
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

    private readonly HashSet<Guid> _ids = [];
    private readonly Queue<(Guid Id, DateTimeOffset At)> _order = new();

    /// <summary>The number of batches remembered.</summary>
    public int Count => _order.Count;

    /// <summary>The log a stored byte log holds.</summary>
    public static AppliedBatchLog From(ReadOnlySpan<byte> stored)
    {
        var log = new AppliedBatchLog();
        for (var at = 0; at + EntrySize <= stored.Length; at += EntrySize)
        {
            var id = new Guid(stored.Slice(at, 16));
            if (log._ids.Add(id))
            {
                log._order.Enqueue((id, DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadUInt32LittleEndian(stored.Slice(at + 16, 4)))));
            }
        }

        return log;
    }

    /// <summary>Whether <paramref name="batchId"/> was applied; an empty id never was.</summary>
    public bool Contains(Guid batchId) => batchId != Guid.Empty && _ids.Contains(batchId);

    /// <summary>Remembers <paramref name="batchIds"/> (not empty ones), and forgets what is both beyond the count and the age kept.</summary>
    public void Add(IEnumerable<Guid> batchIds, DateTimeOffset now, AppliedBatchWindow window)
    {
        ArgumentNullException.ThrowIfNull(batchIds);
        ArgumentNullException.ThrowIfNull(window);
        foreach (var id in batchIds)
        {
            if (id != Guid.Empty && _ids.Add(id))
            {
                _order.Enqueue((id, now));
            }
        }

        var oldestKept = now - window.KeptByAge;
        while (_order.Count > window.KeptByCount
            && (_order.Count > window.MaxEntries || _order.Peek().At < oldestKept))
        {
            _ids.Remove(_order.Dequeue().Id);
        }
    }

    /// <summary>The stored form: 20 bytes an entry, oldest first.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[_order.Count * EntrySize];
        var at = 0;
        foreach (var (id, applied) in _order)
        {
            id.TryWriteBytes(bytes.AsSpan(at, 16));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 16, 4), (uint)Math.Clamp(applied.ToUnixTimeSeconds(), 0, uint.MaxValue));
            at += EntrySize;
        }

        return bytes;
    }
}
