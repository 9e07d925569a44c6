using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Keys;

namespace HealingGrains.Abstractions.Grains;

/// <summary>Reads that span a tenant's deployments, shared by the API and the portal.</summary>
public static class TenantReads
{
    /// <summary>The tenant's open actions (of one deployment, when given), oldest first.</summary>
    public static async Task<IReadOnlyList<HealingActionInfo>> OpenActionsAsync(this IGrainFactory grains, string tenantId, string? deployment = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        IEnumerable<string> deployments = deployment is not null
            ? [deployment]
            : (await grains.GetGrain<ITenantGrain>(tenantId).GetAsync())?.Deployments ?? [];
        var ids = await Task.WhenAll(deployments.Select(d => grains.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenantId, d)).GetOpenActionIdsAsync()));
        var actions = await Task.WhenAll(ids.SelectMany(x => x).Select(id => grains.GetGrain<IHealingActionGrain>(ActionKey.Format(tenantId, id)).GetAsync()));
        return [.. actions.OfType<HealingActionInfo>().OrderBy(a => a.CreatedAt)];
    }

    /// <summary>
    /// The ids of the fingerprints seen on the tenant's deployments (on one deployment, when given); the whole tenant's
    /// also include fingerprints split off by an admin that no event has landed in yet.
    /// </summary>
    public static async Task<IReadOnlyList<string>> FingerprintIdsAsync(this IGrainFactory grains, string tenantId, string? deployment = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        IEnumerable<string> deployments = deployment is not null
            ? [deployment]
            : (await grains.GetGrain<ITenantGrain>(tenantId).GetAsync())?.Deployments ?? [];
        var ids = await Task.WhenAll(deployments.Select(d => grains.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenantId, d)).GetFingerprintIdsAsync()));
        var splitOff = deployment is null
            ? (await grains.GetGrain<IFingerprintGroupingGrain>(tenantId).GetAsync()).Splits.Select(s => s.Into)
            : Enumerable.Empty<string>();
        return [.. ids.SelectMany(x => x).Concat(splitOff).Distinct(StringComparer.Ordinal)];
    }
}
