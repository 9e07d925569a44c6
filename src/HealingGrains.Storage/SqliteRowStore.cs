using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace HealingGrains.Storage;

/// <summary>
/// The embedded row store: every table in one SQLite file (WAL journal), one row per (table, partition, row).
/// Safe for many concurrent callers in one process: reads run in parallel on pooled connections; writes go to one
/// writer, which commits all the writes waiting at once in one transaction (group commit) rather than leaving them to
/// SQLite's busy-retry loop, which would spin under load.
/// </summary>
public sealed class SqliteRowStore : IRowStore, IDisposable
{
    private const int SqliteConstraint = 19;

    private readonly string _connectionString;
    private const int MaxGroup = 512;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _writerLock = new();
    private Task? _writer;
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
    public Task<string> WriteAsync(
        string table, string partitionKey, string rowKey, ReadOnlyMemory<byte> data, string? expectedETag,
        CancellationToken cancellationToken = default)
    {
        Validate(table, partitionKey, rowKey);
        RowKeys.ValidatePayload(table, partitionKey, rowKey, data.Length);
        return EnqueueAsync(new PendingWrite(table, partitionKey, rowKey, data.ToArray(), expectedETag, Delete: false, cancellationToken));
    }

    /// <inheritdoc/>
    public Task DeleteAsync(string table, string partitionKey, string rowKey, string expectedETag, CancellationToken cancellationToken = default)
    {
        Validate(table, partitionKey, rowKey);
        ArgumentException.ThrowIfNullOrEmpty(expectedETag);
        return EnqueueAsync(new PendingWrite(table, partitionKey, rowKey, null, expectedETag, Delete: true, cancellationToken));
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
    public void Dispose()
    {
        _writes.Writer.TryComplete();
        if (_writer is { } writer)
        {
            try
            {
                writer.GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // Every pending write was already answered with the writer's failure.
            }
        }
    }

    private Task<string> EnqueueAsync(PendingWrite write)
    {
        if (write.CancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<string>(write.CancellationToken);
        }

        lock (_writerLock)
        {
            _writer ??= StartWriter();
        }

        return _writes.Writer.TryWrite(write)
            ? write.Done.Task
            : Task.FromException<string>(new ObjectDisposedException(nameof(SqliteRowStore)));
    }

    // The writer has a thread of its own: a commit blocks in SQLite (and in the WAL's sync), and on a thread-pool thread
    // it took one of the pool's few threads from every request and grain call for as long (on two cores, half of them).
    private Task StartWriter() =>
        Task.Factory.StartNew(WriteLoop, CancellationToken.None, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);

    // The one writer: every write waiting when it is free goes into one transaction, so many grains' state writes share
    // one commit (one WAL sync) instead of paying one each, and no write waits on SQLite's busy loop. Each write keeps
    // its own outcome: a conflict fails only that write. Callers learn the outcome after the commit (on the pool).
    private void WriteLoop()
    {
        var group = new List<PendingWrite>(MaxGroup);
        var reader = _writes.Reader;
        WriteStatements? statements = null;
        SqliteConnection? connection = null;
        try
        {
            _initialized.Value.GetAwaiter().GetResult();
            connection = new SqliteConnection(_connectionString);
            connection.Open();
            statements = new WriteStatements(connection);
            while (WaitForWrites(reader))
            {
                group.Clear();
                while (group.Count < MaxGroup && reader.TryRead(out var write))
                {
                    if (write.CancellationToken.IsCancellationRequested)
                    {
                        write.Done.TrySetCanceled(write.CancellationToken);
                        continue;
                    }

                    group.Add(write);
                }

                if (group.Count > 0)
                {
                    CommitGroup(connection, statements, group);
                }
            }
        }
        catch (Exception ex)
        {
            // The writer itself failed (the file cannot be opened, say): nothing queued may wait for ever. Every write
            // waiting now fails with the reason; the next write starts a new writer.
            foreach (var write in group)
            {
                write.Done.TrySetException(ex);
            }

            while (reader.TryRead(out var write))
            {
                write.Done.TrySetException(ex);
            }

            lock (_writerLock)
            {
                _writer = null;

                // A write queued after the drain above would otherwise wait for the next one to start a writer.
                if (reader.TryPeek(out _))
                {
                    _writer = StartWriter();
                }
            }
        }
        finally
        {
            statements?.Dispose();
            connection?.Dispose();
        }
    }

    // Blocks the writer's own thread until a write is queued (true) or the store is disposed (false).
    private static bool WaitForWrites(ChannelReader<PendingWrite> reader)
    {
        var wait = reader.WaitToReadAsync();
        return wait.IsCompleted ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    private static void CommitGroup(SqliteConnection connection, WriteStatements statements, List<PendingWrite> group)
    {
        var outcomes = new (string? ETag, Exception? Error)[group.Count];
        try
        {
            var started = Stopwatch.GetTimestamp();
            using (var transaction = connection.BeginTransaction())
            {
                statements.Enlist(transaction);
                for (var i = 0; i < group.Count; i++)
                {
                    outcomes[i] = statements.Apply(group[i]);
                }

                transaction.Commit();
            }

            StorageMetrics.Committed(Stopwatch.GetElapsedTime(started), group.Count);

            for (var i = 0; i < group.Count; i++)
            {
                Complete(group[i], outcomes[i]);
            }
        }
        catch (SqliteException) when (group.Count > 1)
        {
            // A statement failed in a way that ends the transaction (a full disk, an I/O error): nothing of the group was
            // stored. Each write is tried again alone, so the failure reaches only the writes it belongs to.
            foreach (var write in group)
            {
                CommitGroup(connection, statements, [write]);
            }
        }
        catch (Exception ex)
        {
            foreach (var write in group)
            {
                write.Done.TrySetException(ex);
            }
        }
    }

    private static void Complete(PendingWrite write, (string? ETag, Exception? Error) outcome)
    {
        if (outcome.Error is { } error)
        {
            write.Done.TrySetException(error);
        }
        else
        {
            write.Done.TrySetResult(outcome.ETag!);
        }
    }

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

    private sealed record PendingWrite(
        string Table, string PartitionKey, string RowKey, byte[]? Data, string? ExpectedETag, bool Delete, CancellationToken CancellationToken)
    {
        public TaskCompletionSource<string> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    // The writer's statements, prepared once on its connection.
    private sealed class WriteStatements : IDisposable
    {
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _update;
        private readonly SqliteCommand _delete;
        private readonly SqliteCommand _deleteAny;

        public WriteStatements(SqliteConnection connection)
        {
            _insert = Command(connection, "INSERT INTO rows (tbl, pk, rk, data, etag, updated) VALUES ($t, $p, $r, $d, $e, $u)", "$t", "$p", "$r", "$d", "$e", "$u");
            _update = Command(connection, "UPDATE rows SET data = $d, etag = $e, updated = $u WHERE tbl = $t AND pk = $p AND rk = $r AND etag = $x", "$t", "$p", "$r", "$d", "$e", "$u", "$x");
            _delete = Command(connection, "DELETE FROM rows WHERE tbl = $t AND pk = $p AND rk = $r AND etag = $x", "$t", "$p", "$r", "$x");
            _deleteAny = Command(connection, "DELETE FROM rows WHERE tbl = $t AND pk = $p AND rk = $r", "$t", "$p", "$r");
        }

        public void Enlist(SqliteTransaction transaction)
        {
            foreach (var command in new[] { _insert, _update, _delete, _deleteAny })
            {
                command.Transaction = transaction;
            }
        }

        public (string? ETag, Exception? Error) Apply(PendingWrite write)
        {
            var (table, pk, rk) = (write.Table, write.PartitionKey, write.RowKey);
            if (write.Delete)
            {
                var any = write.ExpectedETag == "*";
                var delete = any ? _deleteAny : _delete;
                Bind(delete, table, pk, rk);
                if (!any)
                {
                    delete.Parameters["$x"].Value = write.ExpectedETag;
                }

                return delete.ExecuteNonQuery() == 0
                    ? (null, new RowConflictException($"Row {table}/{pk}/{rk} does not exist with ETag {write.ExpectedETag}."))
                    : ("", null);
            }

            var etag = NewETag();
            var command = write.ExpectedETag is null ? _insert : _update;
            Bind(command, table, pk, rk);
            command.Parameters["$d"].Value = write.Data;
            command.Parameters["$e"].Value = etag;
            command.Parameters["$u"].Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (write.ExpectedETag is not null)
            {
                command.Parameters["$x"].Value = write.ExpectedETag;
            }

            try
            {
                return command.ExecuteNonQuery() == 0
                    ? (null, new RowConflictException(
                        $"Row {table}/{pk}/{rk} no longer has ETag {write.ExpectedETag}: it was changed or deleted by another writer."))
                    : (etag, null);
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
            {
                // A failed constraint ends only its statement; the transaction and the group go on.
                return (null, new RowConflictException($"Row {table}/{pk}/{rk} already exists.", ex));
            }
        }

        public void Dispose()
        {
            _insert.Dispose();
            _update.Dispose();
            _delete.Dispose();
            _deleteAny.Dispose();
        }

        private static void Bind(SqliteCommand command, string table, string pk, string rk)
        {
            command.Parameters["$t"].Value = table;
            command.Parameters["$p"].Value = pk;
            command.Parameters["$r"].Value = rk;
        }

        private static SqliteCommand Command(SqliteConnection connection, string text, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = text;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name, SqliteType = name switch { "$d" => SqliteType.Blob, "$u" => SqliteType.Integer, _ => SqliteType.Text } });
            }

            return command;
        }
    }
}
