using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HealingGrains.Silo.Health;

/// <summary>
/// Ready only when this silo is an active member of the cluster (membership: localhost or Redis) and the cluster
/// answers a grain call (the management grain's list of active silos, which includes this one).
/// </summary>
internal sealed class ClusterHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo, IGrainFactory grains) : IHealthCheck
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        if (status != SiloStatus.Active)
        {
            return HealthCheckResult.Unhealthy($"This silo is {status} in the cluster's membership, not Active.");
        }

        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, cancellationToken).WaitAsync(Patience, cancellationToken);
            return hosts.ContainsKey(silo.SiloAddress)
                ? HealthCheckResult.Healthy($"Active; {hosts.Count} active silo(s).")
                : HealthCheckResult.Unhealthy("The cluster does not list this silo as active yet.");
        }
        catch (TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"The cluster did not answer within {Patience.TotalSeconds} s.");
        }
        catch (OrleansException ex)
        {
            return HealthCheckResult.Unhealthy($"The cluster failed: {ex.GetType().Name}.", ex);
        }
    }
}
