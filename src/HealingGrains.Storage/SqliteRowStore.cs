using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace HealingGrains.Storage;

/// <summary>
/// The embedded row store: every table in one SQLite file (WAL journal), one row per (table, partition, row).
/// Safe for many concurrent callers in one process: reads run in parallel, writes are serialised here rather than
/// left to SQLite's busy-retry loop, which would spin under load.
/// </summary>
public sealed class SqliteRowStore : IRowStore, IDisposable
{
    private const int SqliteConstraint = 19;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lazy<Task> _initialized;

    public SqliteRowStore(SqliteRowStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = Path.GetFullPath(options.DataSource);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _initialized = new Lazy<Task>(InitializeAsync);
    }

    /// <inheritdoc/>
    public async Task<StoredRow?> ReadAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        Validate(table, partitionKey, rowKey);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pk, rk, data, etag, updated FROM rows WHERE tbl = $t AND pk = $p AND rk = $r";
        command.Parameters.AddWithValue("$t", table);
        command.Parameters.AddWithValue("$p", partitionKey);
        command.Parameters.AddWithValue("$r", rowKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRow(reader) : null;
    }

    /// <inheritdoc/>
    public async Task<string> WriteAsync(
        string table, string partitionKey, string rowKey, ReadOnlyMemory<byte> data, string? expectedETag,
        CancellationToken cancellationToken = default)
    {
        Validate(table, partitionKey, rowKey);
        RowKeys.ValidatePayload(table, partitionKey, rowKey, data.Length);
        var etag = NewETag();
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = expectedETag is null
            ? "INSERT INTO rows (tbl, pk, rk, data, etag, updated) VALUES ($t, $p, $r, $d, $e, $u)"
            : "UPDATE rows SET data = $d, etag = $e, updated = $u WHERE tbl = $t AND pk = $p AND rk = $r AND etag = $x";
        command.Parameters.AddWithValue("$t", table);
        command.Parameters.AddWithValue("$p", partitionKey);
        command.Parameters.AddWithValue("$r", rowKey);
        command.Parameters.Add("$d", SqliteType.Blob).Value = data.ToArray();
        command.Parameters.AddWithValue("$e", etag);
        command.Parameters.AddWithValue("$u", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (expectedETag is not null)
        {
            command.Parameters.AddWithValue("$x", expectedETag);
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var changed = await command.ExecuteNonQueryAsync(cancellationToken);
            if (changed == 0)
            {
                throw new RowConflictException(
                    $"Row {table}/{partitionKey}/{rowKey} no longer has ETag {expectedETag}: it was changed or deleted by another writer.");
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            throw new RowConflictException($"Row {table}/{partitionKey}/{rowKey} already exists.", ex);
        }
        finally
        {
            _writeLock.Release();
        }

        return etag;
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string table, string partitionKey, string rowKey, string expectedETag, CancellationToken cancellationToken = default)
    {
        Validate(table, partitionKey, rowKey);
        ArgumentException.ThrowIfNullOrEmpty(expectedETag);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = expectedETag == "*"
            ? "DELETE FROM rows WHERE tbl = $t AND pk = $p AND rk = $r"
            : "DELETE FROM rows WHERE tbl = $t AND pk = $p AND rk = $r AND etag = $x";
        command.Parameters.AddWithValue("$t", table);
        command.Parameters.AddWithValue("$p", partitionKey);
        command.Parameters.AddWithValue("$r", rowKey);
        command.Parameters.AddWithValue("$x", expectedETag);

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw new RowConflictException($"Row {table}/{partitionKey}/{rowKey} does not exist with ETag {expectedETag}.");
            }
        }
        finally
        {
            _writeLock.Release();
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

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT pk, rk, data, etag, updated FROM rows WHERE tbl = $t AND pk = $p AND rk >= $f ORDER BY rk LIMIT $l";
        command.Parameters.AddWithValue("$t", table);
        command.Parameters.AddWithValue("$p", partitionKey);
        command.Parameters.AddWithValue("$f", fromRowKey ?? "");
        command.Parameters.AddWithValue("$l", limit ?? -1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadRow(reader);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _writeLock.Dispose();

    private static void Validate(string table, string partitionKey, string rowKey)
    {
        RowKeys.ValidateTable(table);
        RowKeys.ValidateKey(partitionKey, nameof(partitionKey));
        RowKeys.ValidateKey(rowKey, nameof(rowKey));
    }

    // Random, never reused: a version counter would restart at 1 after a delete and let a stale ETag match again.
    private static string NewETag() => Guid.NewGuid().ToString("N");

    private static StoredRow ReadRow(SqliteDataReader reader) => new()
    {
        PartitionKey = reader.GetString(0),
        RowKey = reader.GetString(1),
        Data = (byte[])reader.GetValue(2),
        ETag = reader.GetString(3),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
    };

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _initialized.Value.WaitAsync(cancellationToken);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private async Task InitializeAsync()
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();

        // Row keys compare with BINARY collation: the ordinal order that Azure Table storage uses too.
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS rows (
                tbl TEXT NOT NULL,
                pk TEXT NOT NULL,
                rk TEXT NOT NULL,
                data BLOB NOT NULL,
                etag TEXT NOT NULL,
                updated INTEGER NOT NULL,
                PRIMARY KEY (tbl, pk, rk)
            ) WITHOUT ROWID;
            """;
        await command.ExecuteNonQueryAsync();
    }
}
