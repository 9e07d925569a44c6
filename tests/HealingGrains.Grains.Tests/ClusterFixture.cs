using HealingGrains.Core.Healing;
using HealingGrains.Grains.Federation;
using HealingGrains.Grains.Models;
using HealingGrains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace HealingGrains.Grains.Tests;

/// <summary>One in-process cluster shared by the grain tests, with memory storage and memory streams and a fake clock.</summary>
public class ClusterFixture : IAsyncLifetime
{
    public TestClock Time { get; } = new(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The SQLite file behind audit and history rows.</summary>
    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), "hg-grain-tests", Guid.NewGuid().ToString("N"), "rows.db");

    public IClusterClient Client => Cluster.Client;

    /// <summary>How often silos look for a newly active model (advance <see cref="Time"/> by this to see a switch).</summary>
    public static TimeSpan ModelRefresh { get; } = TimeSpan.FromMinutes(1);

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            ConfigureStorage(silo);
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.AddMemoryStreams(HealingGrains.Abstractions.HealingStreams.ProviderName, stream => stream.ConfigurePullingAgent(agent =>
                agent.Configure(o => o.BatchContainerBatchSize = HealingGrains.Abstractions.HealingStreams.DeliveryBatchSize)));
            silo.Services.AddSingleton<TimeProvider>(Time);
            silo.Services.AddSingleton(new Recommender());
            silo.Services.AddSingleton(new RandomSource(1234));
            silo.Services.AddSqliteRowStore(_ => DatabasePath);
            silo.AddRowStoreReminders();
            silo.Services.AddHealingModels();
            silo.Services.AddHealingFederation();
            silo.Services.Configure<ModelRegistryOptions>(o => o.RefreshInterval = ModelRefresh);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(HealingGrains.Abstractions.HealingStreams.ProviderName));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Where grain state goes: memory here; the federation tests read it as the row store's rows.</summary>
    protected virtual void ConfigureStorage(ISiloBuilder silo) => silo.AddMemoryGrainStorage(GrainStorageNames.State);

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

/// <summary>A cluster of its own for the tests that activate models: an active model changes every proposal in its cluster.</summary>
public sealed class ModelClusterFixture : ClusterFixture;

[CollectionDefinition(Name)]
public sealed class ModelClusterCollection : ICollectionFixture<ModelClusterFixture>
{
    public const string Name = "models";
}

/// <summary>
/// A cluster of its own for the federation tests: federation state is shared by every tenant, so these tests see only
/// each other's contributions; grain state goes to the SQLite row store, as on the host, so they can read its rows.
/// </summary>
public sealed class FederationClusterFixture : ClusterFixture
{
    protected override void ConfigureStorage(ISiloBuilder silo) => silo.AddRowStoreGrainStorage(GrainStorageNames.State);
}

[CollectionDefinition(Name)]
public sealed class FederationClusterCollection : ICollectionFixture<FederationClusterFixture>
{
    public const string Name = "federation";
}
