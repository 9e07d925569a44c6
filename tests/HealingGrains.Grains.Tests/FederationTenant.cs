using HealingGrains.Abstractions;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;

namespace HealingGrains.Grains.Tests;

/// <summary>A fresh tenant with one deployment and a federation policy, and the incidents the federation tests drive on it.</summary>
internal sealed class FederationTenant(ClusterFixture fixture, string tenant, string deployment)
{
    public string Tenant { get; } = tenant;

    public string Deployment { get; } = deployment;

    public IDeploymentGrain DeploymentGrain => fixture.Client.GetGrain<IDeploymentGrain>(DeploymentKey.Format(Tenant, Deployment));

    /// <summary>Creates the tenant (named <paramref name="name"/>), its deployment (running <paramref name="service"/>, able only to restart) and its policy.</summary>
    public static async Task<FederationTenant> CreateAsync(
        ClusterFixture fixture, string federation, string? tenant = null, string? name = null, string deployment = "shop-prod", string service = "shop",
        bool aiEnabled = true)
    {
        var world = new FederationTenant(fixture, tenant ?? TestIds.Tenant(), deployment);
        var tenantGrain = fixture.Client.GetGrain<ITenantGrain>(world.Tenant);
        await tenantGrain.CreateAsync(name ?? world.Tenant);
        await world.DeploymentGrain.RegisterAsync(new DeploymentSpec { Service = service, Environment = "prod", Capabilities = ["restart"] });
        var policy = await tenantGrain.GetPolicyAsync();
        policy.Federation = federation;
        policy.AiEnabled = aiEnabled;
        await tenantGrain.UpdatePolicyAsync(policy, "admin:test");
        return world;
    }

    /// <summary>Sends one error and returns the action it opened.</summary>
    public async Task<HealingActionInfo> IncidentAsync(DiagnosticEvent error)
    {
        await fixture.Client.GetStreamProvider(HealingStreams.ProviderName)
            .GetStream<DiagnosticBatch>(HealingStreams.Diagnostics(Tenant, Deployment))
            .OnNextAsync(new DiagnosticBatch { ReceivedAt = fixture.Time.GetUtcNow(), Events = [error] });
        var ids = await Eventually.ReachAsync(DeploymentGrain.GetOpenActionIdsAsync, l => l.Count > 0);
        return (await Action(Assert.Single(ids)).GetAsync())!;
    }

    /// <summary>An incident whose proposal an admin approves and the agent reports.</summary>
    public async Task<HealingActionInfo> HealAsync(DiagnosticEvent error, bool succeeded = true)
    {
        var action = Action((await IncidentAsync(error)).Id);
        Assert.Equal(TransitionStatus.Ok, (await action.ApproveAsync("admin:test", null)).Status);
        var outcome = await action.ReportOutcomeAsync(succeeded, "done");
        Assert.Equal(TransitionStatus.Ok, outcome.Status);
        return outcome.Action!;
    }

    public IHealingActionGrain Action(string id) => fixture.Client.GetGrain<IHealingActionGrain>(ActionKey.Format(Tenant, id));

    /// <summary>An error without a stack trace.</summary>
    public DiagnosticEvent Error(string message, string? exceptionType = "System.TimeoutException") => new()
    {
        Kind = DiagnosticEventKind.Error,
        Message = message,
        ExceptionType = exceptionType,
        Timestamp = fixture.Time.GetUtcNow(),
    };
}
