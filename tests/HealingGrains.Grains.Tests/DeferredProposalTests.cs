using HealingGrains.Abstractions.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace HealingGrains.Grains.Tests;

/// <summary>
/// Proposals run after the delivery that noted them, on a timer of the deployment grain, and are stored with its state.
/// These tests break the action grains' storage to show that a proposal that fails is tried again, and that one still
/// pending when its deployment deactivates is taken up by the next activation.
/// </summary>
[Collection(FaultyStorageClusterCollection.Name)]
public sealed class DeferredProposalTests(FaultyStorageClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AProposalWhoseActionCannotBeStoredIsTriedAgainAndMadeOnceStorageRecovers()
    {
        // Three failed attempts: the first, then one a second (the retry's delay), so about two seconds.
        var world = await ErrorWhileActionsFailAsync(attempts: 3);
        Assert.True(fixture.Faults.FailedWrites(world.Tenant) >= 3, $"{fixture.Faults.FailedWrites(world.Tenant)} attempts");
        Assert.Empty(await world.DeploymentGrain.GetOpenActionIdsAsync());

        fixture.Faults.FailWrites(null);
        var action = await world.OpenActionAsync();
        Assert.Equal(ActionState.PendingApproval, action.State);

        // Proposed once: no second action for the fingerprint once it went through.
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
        Assert.Equal([action.Id], await world.DeploymentGrain.GetOpenActionIdsAsync());
    }

    [Fact]
    public async Task AProposalStillPendingWhenItsDeploymentDeactivatesIsMadeByTheNextActivation()
    {
        var world = await ErrorWhileActionsFailAsync(attempts: 1);

        await world.DeploymentGrain.Cast<IGrainManagementExtension>().DeactivateOnIdle(Ct);
        // Gone, and its retry timer with it: no attempt is made while storage still fails.
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        var attempts = fixture.Faults.FailedWrites(world.Tenant);
        await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);
        Assert.Equal(attempts, fixture.Faults.FailedWrites(world.Tenant));

        // Storage recovers; the first call activates the deployment, which takes up what its stored state still holds.
        fixture.Faults.FailWrites(null);
        var action = await world.OpenActionAsync();
        Assert.Equal(ActionState.PendingApproval, action.State);
        Assert.Equal(attempts, fixture.Faults.FailedWrites(world.Tenant));
    }

    // A new tenant's deployment sees an error while its actions cannot be stored, until the proposal has failed this often.
    private async Task<HealingWorld> ErrorWhileActionsFailAsync(int attempts)
    {
        var world = await HealingWorld.CreateAsync(fixture);
        fixture.Faults.FailWrites(id => IsActionOf(id, world.Tenant));
        await world.ErrorAsync();
        await Eventually.ReachAsync(() => Task.FromResult(fixture.Faults.FailedWrites(world.Tenant)), n => n >= attempts);
        return world;
    }

    // A healing action grain of the tenant (its key begins with the tenant's id).
    private static bool IsActionOf(GrainId id, string tenant) =>
        id.Type.ToString()!.Contains("action", StringComparison.OrdinalIgnoreCase)
        && id.Key.ToString()!.StartsWith(tenant, StringComparison.Ordinal);
}

/// <summary>Storage failures the tests switch on: writes of the grains a predicate picks throw.</summary>
public sealed class StorageFaults
{
    private readonly Dictionary<string, int> _failed = new(StringComparer.Ordinal);
    private Func<GrainId, bool>? _fail;

    /// <summary>Makes writes of the grains <paramref name="which"/> picks fail (none when null).</summary>
    public void FailWrites(Func<GrainId, bool>? which) => Volatile.Write(ref _fail, which);

    /// <summary>How many writes of grains whose key contains <paramref name="text"/> failed.</summary>
    public int FailedWrites(string text)
    {
        lock (_failed)
        {
            return _failed.Where(f => f.Key.Contains(text, StringComparison.Ordinal)).Sum(f => f.Value);
        }
    }

    internal void ThrowIfFailing(GrainId id)
    {
        if (Volatile.Read(ref _fail) is { } fail && fail(id))
        {
            lock (_failed)
            {
                var key = id.ToString();
                _failed[key] = _failed.GetValueOrDefault(key) + 1;
            }

            throw new InvalidOperationException($"Injected storage failure writing {id}.");
        }
    }
}

/// <summary>Memory grain storage whose writes fail as <see cref="StorageFaults"/> says.</summary>
internal sealed class FaultyGrainStorage(IGrainStorage inner, StorageFaults faults) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        faults.ThrowIfFailing(grainId);
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}

/// <summary>A cluster of its own whose grain state can be made to fail.</summary>
public sealed class FaultyStorageClusterFixture : ClusterFixture
{
    private const string Inner = "inner-state";

    public StorageFaults Faults { get; } = new();

    protected override void ConfigureStorage(ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(Inner);
        silo.Services.AddGrainStorage(GrainStorageNames.State, (sp, _) => new FaultyGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(Inner), Faults));
    }
}

[CollectionDefinition(Name)]
public sealed class FaultyStorageClusterCollection : ICollectionFixture<FaultyStorageClusterFixture>
{
    public const string Name = "faulty-storage";
}
