namespace HealingGrains.Storage;

/// <summary>
/// Partitioned rows with optimistic concurrency: the smallest surface that SQLite and Azure Table storage both offer,
/// so that grain state, audit logs and healing history are written once against it.
/// </summary>
/// <remarks>
/// Tables, partition keys and row keys follow <see cref="RowKeys"/>' rules on every backend, so that data written on
/// one backend is valid on the other.
/// </remarks>
public interface IRowStore
{
    /// <summary>The row, or null when there is none.</summary>
    Task<StoredRow?> ReadAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// With <paramref name="expectedETag"/> null: inserts, and throws <see cref="RowConflictException"/> when the row
    /// exists. Otherwise replaces the row only if its ETag is still <paramref name="expectedETag"/>, else throws
    /// <see cref="RowConflictException"/>. Nothing is overwritten on a conflict. Returns the new ETag.
    /// </summary>
    Task<string> WriteAsync(
        string table, string partitionKey, string rowKey, ReadOnlyMemory<byte> data, string? expectedETag,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the row if its ETag is <paramref name="expectedETag"/> (any ETag for <c>*</c>); throws
    /// <see cref="RowConflictException"/> on a mismatch or when there is no such row.
    /// </summary>
    Task DeleteAsync(string table, string partitionKey, string rowKey, string expectedETag, CancellationToken cancellationToken = default);

    /// <summary>The rows of one partition in ordinal row-key order, from <paramref name="fromRowKey"/> (inclusive), at most <paramref name="limit"/>.</summary>
    IAsyncEnumerable<StoredRow> QueryAsync(
        string table, string partitionKey, string? fromRowKey = null, int? limit = null, CancellationToken cancellationToken = default);
}
