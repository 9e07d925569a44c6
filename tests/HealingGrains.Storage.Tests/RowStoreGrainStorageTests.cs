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
