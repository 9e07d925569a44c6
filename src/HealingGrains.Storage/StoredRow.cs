namespace HealingGrains.Storage;

/// <summary>One row of a partitioned table, with the ETag that the next conditional write must present.</summary>
public sealed class StoredRow
{
    /// <summary>The partition the row belongs to.</summary>
    public required string PartitionKey { get; init; }

    /// <summary>The row's key within its partition.</summary>
    public required string RowKey { get; init; }

    /// <summary>The payload.</summary>
    public required ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Opaque; changes on every write (never reused, even after a delete and re-insert).</summary>
    public required string ETag { get; init; }

    /// <summary>When the row was last written.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
