using System.Text;

namespace HealingGrains.Storage.Tests;

/// <summary>
/// What every <see cref="IRowStore"/> backend must do. Each backend adds a subclass that says how to open a store on
/// fresh, empty storage and how to reopen it (a restart).
/// </summary>
public abstract class RowStoreContractTests : IAsyncDisposable
{
    protected const string Table = "things";

    private IRowStore? _store;

    protected IRowStore Store => _store ??= Open();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual ValueTask DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>A store on this test's storage; called again after disposing the first, it reopens the same storage.</summary>
    protected abstract IRowStore Open();

    [Fact]
    public async Task InsertsReadsReplacesAndDeletes()
    {
        var etag = await Store.WriteAsync(Table, "p", "r", Bytes("one"), null, Ct);
        var read = await Store.ReadAsync(Table, "p", "r", Ct);
        Assert.Equal("one", Text(read!.Data));
        Assert.Equal(etag, read.ETag);

        var etag2 = await Store.WriteAsync(Table, "p", "r", Bytes("two"), etag, Ct);
        Assert.NotEqual(etag, etag2);
        Assert.Equal("two", Text((await Store.ReadAsync(Table, "p", "r", Ct))!.Data));

        await Store.DeleteAsync(Table, "p", "r", etag2, Ct);
        Assert.Null(await Store.ReadAsync(Table, "p", "r", Ct));
    }

    [Fact]
    public async Task InsertingARowThatExistsConflictsAndKeepsTheRow()
    {
        await Store.WriteAsync(Table, "p", "r", Bytes("first"), null, Ct);

        await Assert.ThrowsAsync<RowConflictException>(() => Store.WriteAsync(Table, "p", "r", Bytes("second"), null, Ct));

        Assert.Equal("first", Text((await Store.ReadAsync(Table, "p", "r", Ct))!.Data));
    }

    [Fact]
    public async Task AStaleETagConflictsAndOverwritesNothing()
    {
        var stale = await Store.WriteAsync(Table, "p", "r", Bytes("v1"), null, Ct);
        var current = await Store.WriteAsync(Table, "p", "r", Bytes("v2"), stale, Ct);

        await Assert.ThrowsAsync<RowConflictException>(() => Store.WriteAsync(Table, "p", "r", Bytes("v3"), stale, Ct));
        await Assert.ThrowsAsync<RowConflictException>(() => Store.DeleteAsync(Table, "p", "r", stale, Ct));

        var row = await Store.ReadAsync(Table, "p", "r", Ct);
        Assert.Equal("v2", Text(row!.Data));
        Assert.Equal(current, row.ETag);
    }

    [Fact]
    public async Task AnETagFromBeforeADeleteNeverMatchesTheRowInsertedAfterIt()
    {
        var old = await Store.WriteAsync(Table, "p", "r", Bytes("v1"), null, Ct);
        await Store.DeleteAsync(Table, "p", "r", old, Ct);
        await Store.WriteAsync(Table, "p", "r", Bytes("reborn"), null, Ct);

        await Assert.ThrowsAsync<RowConflictException>(() => Store.WriteAsync(Table, "p", "r", Bytes("v2"), old, Ct));
    }

    [Fact]
    public async Task ReplacingOrDeletingAMissingRowConflicts()
    {
        await Assert.ThrowsAsync<RowConflictException>(() => Store.WriteAsync(Table, "p", "missing", Bytes("x"), "some-etag", Ct));
        await Assert.ThrowsAsync<RowConflictException>(() => Store.DeleteAsync(Table, "p", "missing", "*", Ct));
    }

    [Fact]
    public async Task DeleteWithAStarIgnoresTheETag()
    {
        await Store.WriteAsync(Table, "p", "r", Bytes("x"), null, Ct);

        await Store.DeleteAsync(Table, "p", "r", "*", Ct);

        Assert.Null(await Store.ReadAsync(Table, "p", "r", Ct));
    }

    [Fact]
    public async Task QueriesOnePartitionInRowKeyOrderFromAKeyWithALimit()
    {
        foreach (var key in new[] { "c", "a", "e", "b", "d" })
        {
            await Store.WriteAsync(Table, "p", key, Bytes(key), null, Ct);
        }

        await Store.WriteAsync(Table, "other", "a", Bytes("elsewhere"), null, Ct);
        await Store.WriteAsync("otherthings", "p", "a", Bytes("other table"), null, Ct);

        Assert.Equal(["a", "b", "c", "d", "e"], await Keys(Store.QueryAsync(Table, "p", cancellationToken: Ct)));
        Assert.Equal(["b", "c"], await Keys(Store.QueryAsync(Table, "p", fromRowKey: "b", limit: 2, cancellationToken: Ct)));
        Assert.Empty(await Keys(Store.QueryAsync(Table, "nothing-here", cancellationToken: Ct)));
    }

    [Fact]
    public async Task PartitionsAndTablesAreIsolated()
    {
        await Store.WriteAsync(Table, "p1", "r", Bytes("one"), null, Ct);
        await Store.WriteAsync(Table, "p2", "r", Bytes("two"), null, Ct);
        await Store.WriteAsync("others", "p1", "r", Bytes("three"), null, Ct);

        Assert.Equal("one", Text((await Store.ReadAsync(Table, "p1", "r", Ct))!.Data));
        Assert.Equal("two", Text((await Store.ReadAsync(Table, "p2", "r", Ct))!.Data));
        Assert.Equal("three", Text((await Store.ReadAsync("others", "p1", "r", Ct))!.Data));
    }

    [Fact]
    public async Task AValueOfTheDocumentedMaximumRoundTripsAndShrinks()
    {
        var large = new byte[RowKeys.MaxPayloadBytes];
        new Random(7).NextBytes(large);

        var etag = await Store.WriteAsync(Table, "p", "large", large, null, Ct);
        Assert.Equal(large, (await Store.ReadAsync(Table, "p", "large", Ct))!.Data.ToArray());

        await Store.WriteAsync(Table, "p", "large", large.AsMemory(0, 70_000), etag, Ct);
        Assert.Equal(large.AsSpan(0, 70_000).ToArray(), (await Store.ReadAsync(Table, "p", "large", Ct))!.Data.ToArray());
    }

    [Fact]
    public async Task AValueOverTheMaximumIsRefusedAndNothingIsWritten()
    {
        var etag = await Store.WriteAsync(Table, "p", "big", Bytes("small"), null, Ct);

        await Assert.ThrowsAsync<RowTooLargeException>(() => Store.WriteAsync(Table, "p", "big", new byte[RowKeys.MaxPayloadBytes + 1], etag, Ct));
        await Assert.ThrowsAsync<RowTooLargeException>(() => Store.WriteAsync(Table, "p", "bigger", new byte[RowKeys.MaxPayloadBytes + 1], null, Ct));

        Assert.Equal("small", Text((await Store.ReadAsync(Table, "p", "big", Ct))!.Data));
        Assert.Null(await Store.ReadAsync(Table, "p", "bigger", Ct));
    }

    [Fact]
    public async Task ALargeValueReplacedByAStaleWriterKeepsEveryPiece()
    {
        var first = new byte[1_500_000];
        new Random(1).NextBytes(first);
        var stale = await Store.WriteAsync(Table, "p", "pieces", first, null, Ct);
        var second = new byte[1_200_000];
        new Random(2).NextBytes(second);
        await Store.WriteAsync(Table, "p", "pieces", second, stale, Ct);

        await Assert.ThrowsAsync<RowConflictException>(() => Store.WriteAsync(Table, "p", "pieces", new byte[1_800_000], stale, Ct));

        Assert.Equal(second, (await Store.ReadAsync(Table, "p", "pieces", Ct))!.Data.ToArray());
        Assert.Equal(["pieces"], await Keys(Store.QueryAsync(Table, "p", cancellationToken: Ct)));
    }

    [Fact]
    public async Task OfConcurrentWritersWithTheSameETagExactlyOneWins()
    {
        var etag = await Store.WriteAsync(Table, "p", "contended", Bytes("start"), null, Ct);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                await Store.WriteAsync(Table, "p", "contended", Bytes($"writer {i}"), etag, Ct);
                return i;
            }
            catch (RowConflictException)
            {
                return -1;
            }
        }));

        var winner = Assert.Single(attempts, a => a >= 0);
        Assert.Equal($"writer {winner}", Text((await Store.ReadAsync(Table, "p", "contended", Ct))!.Data));
    }

    [Fact]
    public async Task ManyConcurrentWritesEachKeepTheirOwnOutcome()
    {
        // Writers in flight together (which a store may commit together): a conflict fails only its own write.
        // 32 in flight: enough to share commits, few enough that a loaded machine does not time a request out (Azure's
        // client retries a timed-out insert, which then finds its own row: a false conflict this test is not about).
        var rows = Enumerable.Range(0, 300).Select(i => $"row-{i:D3}").ToList();
        using var inFlight = new SemaphoreSlim(32);
        async Task<T> Limited<T>(Func<Task<T>> write)
        {
            await inFlight.WaitAsync(Ct);
            try
            {
                return await write();
            }
            finally
            {
                inFlight.Release();
            }
        }

        var etags = await Task.WhenAll(rows.Select(row => Limited(() => Store.WriteAsync(Table, "many", row, Bytes($"{row} v1"), null, Ct))));

        var outcomes = await Task.WhenAll(rows.Select((row, i) => Limited(async () =>
        {
            try
            {
                await Store.WriteAsync(Table, "many", row, Bytes($"{row} v2"), i % 3 == 0 ? "stale" : etags[i], Ct);
                return true;
            }
            catch (RowConflictException)
            {
                return false;
            }
        })));

        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(i % 3 != 0, outcomes[i]);
            Assert.Equal($"{rows[i]} {(i % 3 == 0 ? "v1" : "v2")}", Text((await Store.ReadAsync(Table, "many", rows[i], Ct))!.Data));
        }
    }

    [Fact]
    public async Task OfConcurrentInsertersExactlyOneWins()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                await Store.WriteAsync(Table, "p", "fresh", Bytes($"writer {i}"), null, Ct);
                return true;
            }
            catch (RowConflictException)
            {
                return false;
            }
        }));

        Assert.Single(attempts, a => a);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\nb")]
    [InlineData("~~reserved")]
    [InlineData("")]
    public async Task RefusesInvalidKeysWithAClearMessage(string key)
    {
        var partition = await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAsync(Table, key, "r", Bytes("x"), null, Ct));
        var row = await Assert.ThrowsAsync<ArgumentException>(() => Store.ReadAsync(Table, "p", key, Ct));

        Assert.Contains("key", partition.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("rowKey", row.ParamName);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1things")]
    [InlineData("grain_state")]
    public async Task RefusesInvalidTableNames(string table)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.ReadAsync(table, "p", "r", Ct));

        Assert.Contains("Table name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowsSurviveReopeningTheStore()
    {
        var etag = await Store.WriteAsync(Table, "p", "durable", Bytes("kept"), null, Ct);
        (_store as IDisposable)?.Dispose();

        _store = Open();
        var row = await Store.ReadAsync(Table, "p", "durable", Ct);

        Assert.Equal("kept", Text(row!.Data));
        Assert.Equal(etag, row.ETag);
    }

    // Orleans reminders on the row store: what IReminderTable promises, on every backend.
    [Fact]
    public async Task RemindersAreUpsertedReadAndRemovedByTheirOwnETag()
    {
        var table = new RowStoreReminderTable(Store);
        var grain = GrainId.Create("deployment", "t1/shop-prod");
        var start = new DateTime(2026, 11, 26, 9, 0, 0, DateTimeKind.Utc);

        var first = (await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "verify", StartAt = start, Period = TimeSpan.FromMinutes(1) }))!;
        var other = (await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "other", StartAt = start, Period = TimeSpan.FromMinutes(5) }))!;
        var second = (await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "verify", StartAt = start, Period = TimeSpan.FromMinutes(2) }))!;

        Assert.NotEqual(first, second);
        var read = await table.ReadRow(grain, "verify");
        Assert.Equal((grain, "verify", start, TimeSpan.FromMinutes(2), second), (read!.GrainId, read.ReminderName, read.StartAt, read.Period, read.ETag));
        Assert.Equal(["other", "verify"], (await table.ReadRows(grain)).Reminders.Select(r => r.ReminderName).Order());
        Assert.Null(await table.ReadRow(grain, "missing"));
        Assert.Empty((await table.ReadRows(GrainId.Create("deployment", "t1/other"))).Reminders);

        Assert.False(await table.RemoveRow(grain, "verify", first));
        Assert.True(await table.RemoveRow(grain, "verify", second));
        Assert.Null(await table.ReadRow(grain, "verify"));
        Assert.True(await table.RemoveRow(grain, "other", other));
        Assert.Empty((await table.ReadRows(grain)).Reminders);
        Assert.False(await table.RemoveRow(grain, "other", other));
    }

    [Fact]
    public async Task ReminderRingRangesTakeEachGrainOnceAndWrapPastTheTop()
    {
        var table = new RowStoreReminderTable(Store);
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("deployment", $"t1/d{i}")).ToList();
        foreach (var grain in grains)
        {
            await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "verify", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(1) });
        }

        foreach (var (begin, end) in new (uint, uint)[] { (0x2000_0000, 0x9000_0000), (0xC000_0000, 0x3000_0000), (0x5555_5555, 0x5555_5555) })
        {
            var expected = grains.Where(g => InRing(g.GetUniformHashCode(), begin, end)).Select(g => g.ToString()).Order().ToList();
            var read = (await table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId.ToString()).Order().ToList();
            Assert.Equal(expected, read);
        }

        // A range and its complement take every grain exactly once.
        var halves = (await table.ReadRows(0x1234_5678, 0x8765_4321)).Reminders.Concat((await table.ReadRows(0x8765_4321, 0x1234_5678)).Reminders);
        Assert.Equal(grains.Select(g => g.ToString()).Order(), halves.Select(r => r.GrainId.ToString()).Order());
    }

    [Fact]
    public async Task RemindersWrittenAtOnceForOneGrainAreAllKeptAndOutliveTheStore()
    {
        var table = new RowStoreReminderTable(Store);
        var grain = GrainId.Create("deployment", "t1/busy");
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = $"r{i}", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(1) })));

        (_store as IDisposable)?.Dispose();
        _store = null;
        var reopened = new RowStoreReminderTable(Store);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"r{i}"), (await reopened.ReadRows(grain)).Reminders.Select(r => r.ReminderName).Order());
    }

    private static bool InRing(uint hash, uint begin, uint end) => begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(ReadOnlyMemory<byte> data) => Encoding.UTF8.GetString(data.Span);

    private static async Task<List<string>> Keys(IAsyncEnumerable<StoredRow> rows)
    {
        var keys = new List<string>();
        await foreach (var row in rows)
        {
            keys.Add(row.RowKey);
        }

        return keys;
    }
}
