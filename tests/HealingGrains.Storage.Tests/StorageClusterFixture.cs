using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace HealingGrains.Storage.Tests;

/// <summary>An in-process cluster whose grain storage is the row store on a SQLite file of its own.</summary>
public sealed class StorageClusterFixture : IAsyncLifetime
{
    public const string StorageName = "rows";

    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), "hg-storage-tests", Guid.NewGuid().ToString("N"), "cluster.db");

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The silo's row store: the SQLite file, with writes to chosen partitions failing on demand.</summary>
    public FailingRowStore Rows { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Rows = new FailingRowStore(new SqliteRowStore(new SqliteRowStoreOptions { DataSource = DatabasePath }));
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<IRowStore>(Rows);
            silo.AddRowStoreGrainStorage(StorageName);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class StorageClusterCollection : ICollectionFixture<StorageClusterFixture>
{
    public const string Name = "storage-cluster";
}
