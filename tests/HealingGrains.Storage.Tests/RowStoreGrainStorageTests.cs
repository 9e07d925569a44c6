using System.Text;
using Orleans.Core.Internal;
using Orleans.Storage;

namespace HealingGrains.Storage.Tests;

[Collection(StorageClusterCollection.Name)]
public sealed class RowStoreGrainStorageTests(StorageClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StateSurvivesDeactivation()
    {
        var grain = fixture.Cluster.Client.GetGrain<ICounterGrain>(Guid.NewGuid().ToString());
        await grain.IncrementAsync();
        await grain.IncrementAsync();

        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle(Ct);

        Assert.Equal(2, await grain.GetAsync());
    }

    [Fact]
    public async Task AStaleETagFailsWithInconsistentStateAndOverwritesNothing()
    {
        var id = Guid.NewGuid().ToString();
        var grain = fixture.Cluster.Client.GetGrain<ICounterGrain>(id);
        await grain.IncrementAsync();

        // Another writer (another silo, an operator's tool) replaces the row behind the grain's back.
        using var other = new SqliteRowStore(new SqliteRowStoreOptions { DataSource = fixture.DatabasePath });
        var row = await SingleRowAsync(other, grain);
        await other.WriteAsync(RowStoreGrainStorage.Table, row.PartitionKey, row.RowKey, Encoding.UTF8.GetBytes("theirs"), row.ETag, Ct);

        await Assert.ThrowsAsync<InconsistentStateException>(grain.IncrementAsync);

        Assert.Equal("theirs", Encoding.UTF8.GetString((await SingleRowAsync(other, grain)).Data.Span));
    }

    [Fact]
    public async Task AGrainWhoseWriteFailedReloadsWhatIsStoredInsteadOfFailingForever()
    {
        var grain = fixture.Cluster.Client.GetGrain<ICounterGrain>(Guid.NewGuid().ToString());
        await grain.IncrementAsync();
        using var other = new SqliteRowStore(new SqliteRowStoreOptions { DataSource = fixture.DatabasePath });
        var one = await SingleRowAsync(other, grain);
        await grain.IncrementAsync();

        // Storage now holds count 1 under an ETag the grain has never seen: what a write that timed out but was
        // applied, or another writer, leaves behind. The grain's memory says 2.
        var two = await SingleRowAsync(other, grain);
        await other.WriteAsync(RowStoreGrainStorage.Table, one.PartitionKey, one.RowKey, one.Data, two.ETag, Ct);
        await Assert.ThrowsAsync<InconsistentStateException>(grain.IncrementAsync);

        // The failed write deactivated the grain (Orleans does so for an InconsistentStateException that escapes a call,
        // the storage for any failed write): the next call reads count 1 from storage (not the 3 in memory) and writes
        // again, instead of failing on its stale ETag until the activation is collected.
        Assert.Equal(1, await grain.GetAsync());
        Assert.Equal(2, await grain.IncrementAsync());
        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle(Ct);
        Assert.Equal(2, await grain.GetAsync());
    }

    [Fact]
    public async Task AGrainWhoseWriteFailedForgetsTheUnstoredChange()
    {
        var grain = fixture.Cluster.Client.GetGrain<ICounterGrain>(Guid.NewGuid().ToString());
        await grain.IncrementAsync();
        var partition = RowStoreGrainStorage.PartitionKeyFor(fixture.Cluster.Options.ServiceId, grain.GetGrainId());

        // Storage is down for this grain: the increment is made in memory, its write fails, the caller gets an error.
        fixture.Rows.FailWrites(partition);
        try
        {
            await Assert.ThrowsAnyAsync<OrleansException>(grain.IncrementAsync);
        }
        finally
        {
            fixture.Rows.Heal(partition);
        }

        // The failed write deactivated the grain: what it answers is what is stored, not the 2 it had in memory.
        Assert.Equal(1, await grain.GetAsync());
        Assert.Equal(2, await grain.IncrementAsync());
    }

    [Fact]
    public async Task ALargeStateRoundTrips()
    {
        var grain = fixture.Cluster.Client.GetGrain<ICounterGrain>(Guid.NewGuid().ToString());
        await grain.SetPayloadAsync(1024 * 1024 + 17);

        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle(Ct);

        Assert.Equal(1024 * 1024 + 17, await grain.GetPayloadLengthAsync());
    }

    [Fact]
    public async Task ClearingDeletesTheRow()
    {
        var id = Guid.NewGuid().ToString();
        var grain = fixture.Cluster.Client.GetGrain<ICounterGrain>(id);
        await grain.IncrementAsync();

        await grain.ClearAsync();
        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle(Ct);

        Assert.Equal(0, await grain.GetAsync());
        using var store = new SqliteRowStore(new SqliteRowStoreOptions { DataSource = fixture.DatabasePath });
        Assert.Null(await FindRowAsync(store, grain));
    }

    private async Task<StoredRow> SingleRowAsync(IRowStore store, ICounterGrain grain) =>
        await FindRowAsync(store, grain) ?? throw new InvalidOperationException($"No row for grain {grain.GetGrainId()}.");

    private Task<StoredRow?> FindRowAsync(IRowStore store, ICounterGrain grain) =>
        store.ReadAsync(
            RowStoreGrainStorage.Table,
            RowStoreGrainStorage.PartitionKeyFor(fixture.Cluster.Options.ServiceId, grain.GetGrainId()),
            RowStoreGrainStorage.RowKeyFor("counter"),
            Ct);
}
