using System.Collections.Concurrent;

namespace HealingGrains.Storage.Tests;

/// <summary>
/// A row store whose writes to chosen partitions fail as an unreachable service's would, in front of a real one: how a
/// test makes one grain's storage go down while the others' keeps working.
/// </summary>
public sealed class FailingRowStore(IRowStore inner) : IRowStore
{
    private readonly ConcurrentDictionary<string, bool> _down = new(StringComparer.Ordinal);

    /// <summary>Writes and deletes in <paramref name="partitionKey"/> fail from now on.</summary>
    public void FailWrites(string partitionKey) => _down[partitionKey] = true;

    /// <summary>Writes in <paramref name="partitionKey"/> work again.</summary>
    public void Heal(string partitionKey) => _down.TryRemove(partitionKey, out _);

    public Task<StoredRow?> ReadAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(table, partitionKey, rowKey, cancellationToken);

    public Task<string> WriteAsync(
        string table, string partitionKey, string rowKey, ReadOnlyMemory<byte> data, string? expectedETag, CancellationToken cancellationToken = default) =>
        _down.ContainsKey(partitionKey)
            ? throw new HttpRequestException("Connection refused (the test's storage is down)")
            : inner.WriteAsync(table, partitionKey, rowKey, data, expectedETag, cancellationToken);

    public Task DeleteAsync(string table, string partitionKey, string rowKey, string expectedETag, CancellationToken cancellationToken = default) =>
        _down.ContainsKey(partitionKey)
            ? throw new HttpRequestException("Connection refused (the test's storage is down)")
            : inner.DeleteAsync(table, partitionKey, rowKey, expectedETag, cancellationToken);

    public IAsyncEnumerable<StoredRow> QueryAsync(
        string table, string partitionKey, string? fromRowKey = null, int? limit = null, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(table, partitionKey, fromRowKey, limit, cancellationToken);
}
