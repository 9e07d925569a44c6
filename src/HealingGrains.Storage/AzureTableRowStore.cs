using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Azure.Identity;

namespace HealingGrains.Storage;

/// <summary>
/// The row store on Azure Table storage. A payload is cut into 64 KiB binary properties (Azure's limit per property),
/// 11 to an entity (under the 1 MiB entity limit even base64-encoded, as Azurite counts it); beyond that it continues in rows <c>~~NN~&lt;rowKey&gt;</c> of the
/// same partition, written with the main row in one entity-group transaction, so a write is whole or absent. The main
/// row's ETag is the row's ETag; every row of one write carries the same write id, so a read never mixes two writes.
/// </summary>
public sealed class AzureTableRowStore : IRowStore
{
    private const int PieceBytes = 64 * 1024;
    private const int PiecesPerEntity = 11;
    private const string Continuation = "~~";
    private const string PiecesProperty = "pieces";
    private const string LengthProperty = "length";
    private const string WriteIdProperty = "write";

    private readonly TableServiceClient _service;
    private readonly string _prefix;
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new(StringComparer.Ordinal);

    public AzureTableRowStore(AzureTableRowStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new TableClientOptions();
        StorageRetry.Apply(clientOptions.Retry, options.NetworkTimeout, options.MaxRetries);
        if (options.PerRetryPolicy is { } policy)
        {
            clientOptions.AddPolicy(policy, Azure.Core.HttpPipelinePosition.PerRetry);
        }

        _service = options switch
        {
            { ConnectionString: { Length: > 0 } connection } => new TableServiceClient(connection, clientOptions),
            { ServiceUri: { } uri } => new TableServiceClient(uri, new DefaultAzureCredential(), clientOptions),
            _ => throw new ArgumentException("Give the Azure Table row store a ConnectionString (Azurite) or a ServiceUri (managed identity).", nameof(options)),
        };
        if (options.TablePrefix.Any(c => !char.IsAsciiLetterOrDigit(c)))
        {
            throw new ArgumentException("The table prefix may hold only letters and digits.", nameof(options));
        }

        _prefix = options.TablePrefix;
    }

    /// <inheritdoc/>
    public async Task<StoredRow?> ReadAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        Validate(table, partitionKey, rowKey);
        var client = await TableAsync(table, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var main = await client.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
            if (!main.HasValue)
            {
                return null;
            }

            var row = await AssembleAsync(client, main.Value!, cancellationToken);
            if (row is not null || attempt >= 3)
            {
                return row ?? throw new RequestFailedException(503, $"Row {table}/{partitionKey}/{rowKey} kept changing while it was read.");
            }
        }
    }

    /// <inheritdoc/>
    public async Task<string> WriteAsync(
        string table, string partitionKey, string rowKey, ReadOnlyMemory<byte> data, string? expectedETag, CancellationToken cancellationToken = default)
    {
        Validate(table, partitionKey, rowKey);
        RowKeys.ValidatePayload(table, partitionKey, rowKey, data.Length);

        var client = await TableAsync(table, cancellationToken);
        var previousEntities = 1;
        if (expectedETag is not null)
        {
            var current = await client.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
            if (!current.HasValue || current.Value!.ETag.ToString() != expectedETag)
            {
                throw new RowConflictException($"Row {table}/{partitionKey}/{rowKey} no longer has ETag {expectedETag}: it was changed or deleted by another writer.");
            }

            previousEntities = EntitiesFor(current.Value.GetInt32(PiecesProperty) ?? 0);
        }

        var writeId = Guid.NewGuid().ToString("N");
        var pieces = (data.Length + PieceBytes - 1) / PieceBytes;
        var entities = EntitiesFor(pieces);
        var actions = new List<TableTransactionAction>(Math.Max(entities, previousEntities));
        for (var e = 0; e < entities; e++)
        {
            var entity = new TableEntity(partitionKey, e == 0 ? rowKey : ContinuationKey(rowKey, e)) { [WriteIdProperty] = writeId };
            if (e == 0)
            {
                entity[PiecesProperty] = pieces;
                entity[LengthProperty] = (long)data.Length;
            }

            for (var p = 0; p < PiecesPerEntity; p++)
            {
                var index = (e * PiecesPerEntity) + p;
                if (index >= pieces)
                {
                    break;
                }

                var start = index * PieceBytes;
                entity[$"d{p:D2}"] = data.Slice(start, Math.Min(PieceBytes, data.Length - start)).ToArray();
            }

            actions.Add(e == 0
                ? expectedETag is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(expectedETag))
                : new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
        }

        for (var e = entities; e < previousEntities; e++)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, ContinuationKey(rowKey, e)), ETag.All));
        }

        try
        {
            var response = await client.SubmitTransactionAsync(actions, cancellationToken);
            return response.Value[0].Headers.ETag?.ToString()
                ?? (await client.GetEntityAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken)).Value.ETag.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            // The service may have applied an earlier attempt of this very transaction whose answer was lost (the client
            // timed out and retried): its retry then finds the row it wrote itself, with this write's id.
            var existing = await client.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, select: [WriteIdProperty], cancellationToken: cancellationToken);
            if (existing.HasValue && existing.Value!.GetString(WriteIdProperty) == writeId)
            {
                return existing.Value.ETag.ToString();
            }

            throw new RowConflictException(
                expectedETag is null
                    ? $"Row {table}/{partitionKey}/{rowKey} already exists."
                    : $"Row {table}/{partitionKey}/{rowKey} no longer has ETag {expectedETag}: it was changed or deleted by another writer.",
                ex);
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string table, string partitionKey, string rowKey, string expectedETag, CancellationToken cancellationToken = default)
    {
        Validate(table, partitionKey, rowKey);
        ArgumentException.ThrowIfNullOrEmpty(expectedETag);
        var client = await TableAsync(table, cancellationToken);
        var current = await client.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
        if (!current.HasValue || (expectedETag != "*" && current.Value!.ETag.ToString() != expectedETag))
        {
            throw new RowConflictException($"Row {table}/{partitionKey}/{rowKey} does not exist with ETag {expectedETag}.");
        }

        var etag = expectedETag == "*" ? current.Value!.ETag : new ETag(expectedETag);
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Delete, new TableEntity(partitionKey, rowKey), etag) };
        for (var e = 1; e < EntitiesFor(current.Value!.GetInt32(PiecesProperty) ?? 0); e++)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, ContinuationKey(rowKey, e)), ETag.All));
        }

        try
        {
            await client.SubmitTransactionAsync(actions, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            throw new RowConflictException($"Row {table}/{partitionKey}/{rowKey} does not exist with ETag {expectedETag}.", ex);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredRow> QueryAsync(
        string table, string partitionKey, string? fromRowKey = null, int? limit = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        RowKeys.ValidateTable(table);
        RowKeys.ValidateKey(partitionKey, nameof(partitionKey));
        if (limit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit must be at least 1.");
        }

        var client = await TableAsync(table, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {fromRowKey ?? ""} and RowKey lt {Continuation}");
        var returned = 0;
        await foreach (var entity in client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (limit is { } max && returned >= max)
            {
                yield break;
            }

            var row = await AssembleAsync(client, entity, cancellationToken)
                ?? await ReadAsync(table, partitionKey, entity.RowKey, cancellationToken);
            if (row is not null)
            {
                returned++;
                yield return row;
            }
        }
    }

    private static int EntitiesFor(int pieces) => Math.Max(1, (pieces + PiecesPerEntity - 1) / PiecesPerEntity);

    private static string ContinuationKey(string rowKey, int entity) => $"{Continuation}{entity:D2}~{rowKey}";

    private static void Validate(string table, string partitionKey, string rowKey)
    {
        RowKeys.ValidateTable(table);
        RowKeys.ValidateKey(partitionKey, nameof(partitionKey));
        RowKeys.ValidateKey(rowKey, nameof(rowKey));
    }

    // The whole payload of a main row, or null when a continuation row belongs to another write (read again).
    private static async Task<StoredRow?> AssembleAsync(TableClient client, TableEntity main, CancellationToken cancellationToken)
    {
        var pieces = main.GetInt32(PiecesProperty) ?? 0;
        var length = main.GetInt64(LengthProperty) ?? 0;
        var writeId = main.GetString(WriteIdProperty);
        var data = new byte[length];
        var offset = 0;
        for (var e = 0; e < EntitiesFor(pieces); e++)
        {
            var entity = main;
            if (e > 0)
            {
                var next = await client.GetEntityIfExistsAsync<TableEntity>(main.PartitionKey, ContinuationKey(main.RowKey, e), cancellationToken: cancellationToken);
                if (!next.HasValue || next.Value!.GetString(WriteIdProperty) != writeId)
                {
                    return null;
                }

                entity = next.Value;
            }

            for (var p = 0; p < PiecesPerEntity && (e * PiecesPerEntity) + p < pieces; p++)
            {
                var piece = entity.GetBinary($"d{p:D2}");
                piece.CopyTo(data, offset);
                offset += piece.Length;
            }
        }

        return new StoredRow
        {
            PartitionKey = main.PartitionKey,
            RowKey = main.RowKey,
            Data = data,
            ETag = main.ETag.ToString(),
            UpdatedAt = main.Timestamp ?? DateTimeOffset.UtcNow,
        };
    }

    private async Task<TableClient> TableAsync(string table, CancellationToken cancellationToken)
    {
        var lazy = _tables.GetOrAdd(table, name => new Lazy<Task<TableClient>>(async () =>
        {
            var client = _service.GetTableClient(_prefix + name);
            await client.CreateIfNotExistsAsync(CancellationToken.None);
            return client;
        }));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (lazy.Value.IsFaulted || lazy.Value.IsCanceled)
        {
            // A failed creation (the service was down or did not answer: the SDK then throws an AggregateException of
            // its attempts) is not cached, or the table would stay broken after the outage: the next call tries again.
            _tables.TryRemove(new KeyValuePair<string, Lazy<Task<TableClient>>>(table, lazy));
            throw;
        }
    }
}
