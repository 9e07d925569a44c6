namespace HealingGrains.Grains;

/// <summary>
/// The bounded memory of the batches a grain applied, kept in the state the batches change so that both are written
/// together. A durable stream delivers a batch again only after its first delivery failed or its silo died: within the
/// queue's visibility timeout plus failure detection, minutes at most.
/// </summary>
public static class AppliedBatches
{
    /// <summary>Entries kept however old they are: a fingerprint quiet during an outage still knows its last batches.</summary>
    public const int KeptByCount = 256;

    /// <summary>Entries younger than this are kept however many there are, up to <see cref="MaxEntries"/>.</summary>
    public static readonly TimeSpan KeptByAge = TimeSpan.FromMinutes(15);

    /// <summary>The hard bound on the entries of one grain (about 100 KiB of state).</summary>
    public const int MaxEntries = 4096;

    /// <summary>Whether <paramref name="batchId"/> was applied; an empty id never was.</summary>
    public static bool Contains(List<AppliedBatch> applied, Guid batchId) =>
        batchId != Guid.Empty && applied.Exists(b => b.BatchId == batchId);

    /// <summary>Remembers <paramref name="batchId"/> (not an empty one) and forgets what is both beyond the count and the age kept.</summary>
    public static void Add(List<AppliedBatch> applied, Guid batchId, DateTimeOffset now)
    {
        if (batchId == Guid.Empty)
        {
            return;
        }

        applied.Add(new AppliedBatch { BatchId = batchId, AppliedAt = now });
        var forget = 0;
        while (applied.Count - forget > KeptByCount
            && (applied.Count - forget > MaxEntries || applied[forget].AppliedAt < now - KeptByAge))
        {
            forget++;
        }

        applied.RemoveRange(0, forget);
    }
}
