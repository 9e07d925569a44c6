using HealingGrains.Abstractions;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;

namespace HealingGrains.Grains.Tests;

/// <summary>A fresh tenant with one deployment, and the moves the healing tests make on it.</summary>
internal sealed class HealingWorld(ClusterFixture fixture, string tenant, string deployment)
{
    public string Tenant { get; } = tenant;

    public string Deployment { get; } = deployment;

    public IClusterClient Client => fixture.Client;

    public IDeploymentGrain DeploymentGrain => Client.GetGrain<IDeploymentGrain>(DeploymentKey.Format(Tenant, Deployment));

    public static async Task<HealingWorld> CreateAsync(ClusterFixture fixture, params string[] capabilities)
    {
        var world = new HealingWorld(fixture, TestIds.Tenant(), "shop-prod");
        await world.Client.GetGrain<ITenantGrain>(world.Tenant).CreateAsync(world.Tenant);
        await world.DeploymentGrain.RegisterAsync(new DeploymentSpec
        {
            Service = "shop",
            Capabilities = capabilities.Length > 0 ? capabilities : ["restart", "scale-out", "rollback-version"],
        });
        return world;
    }

    public async Task<PolicyInfo> PolicyAsync(Action<PolicyInfo> change)
    {
        var tenantGrain = Client.GetGrain<ITenantGrain>(Tenant);
        var policy = await tenantGrain.GetPolicyAsync();
        change(policy);
        return await tenantGrain.UpdatePolicyAsync(policy, "admin:test");
    }

    public Task ErrorAsync(string message = "Inventory service timed out after 30000 ms", string? exceptionType = "System.TimeoutException") =>
        Client.GetStreamProvider(HealingStreams.ProviderName)
            .GetStream<DiagnosticBatch>(HealingStreams.Diagnostics(Tenant, Deployment))
            .OnNextAsync(new DiagnosticBatch
            {
                ReceivedAt = fixture.Time.GetUtcNow(),
                Events = [new DiagnosticEvent { Kind = DiagnosticEventKind.Error, Message = message, ExceptionType = exceptionType, Timestamp = fixture.Time.GetUtcNow() }],
            });

    public IHealingActionGrain Action(string id) => Client.GetGrain<IHealingActionGrain>(ActionKey.Format(Tenant, id));

    /// <summary>Waits until the deployment has an open action other than <paramref name="except"/>, and returns it.</summary>
    public async Task<HealingActionInfo> OpenActionAsync(string? except = null)
    {
        var ids = await Eventually.ReachAsync(DeploymentGrain.GetOpenActionIdsAsync, l => l.Any(id => id != except));
        var id = Assert.Single(ids, id => id != except);
        return (await Action(id).GetAsync())!;
    }

    /// <summary>Sends an error and returns the action it opened.</summary>
    public async Task<HealingActionInfo> IncidentAsync(string? except = null, string message = "Inventory service timed out after 30000 ms")
    {
        await ErrorAsync(message);
        return await OpenActionAsync(except);
    }
}
