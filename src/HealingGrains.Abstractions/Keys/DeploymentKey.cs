namespace HealingGrains.Abstractions.Keys;

/// <summary>
/// Builds and parses the key <c>tenant/deployment</c> of deployment-scoped grains and of the diagnostics stream.
/// </summary>
public static class DeploymentKey
{
    /// <summary>Formats the composite key of a deployment.</summary>
    public static string Format(string tenantId, string deployment)
    {
        if (!ResourceNames.IsValidTenantId(tenantId))
        {
            throw new ArgumentException($"Tenant id must be {ResourceNames.TenantIdRule}.", nameof(tenantId));
        }

        if (!ResourceNames.IsValidDeployment(deployment))
        {
            throw new ArgumentException($"Deployment must be {ResourceNames.DeploymentRule}.", nameof(deployment));
        }

        return $"{tenantId}/{deployment}";
    }

    /// <summary>Parses a key made by <see cref="Format"/>.</summary>
    public static (string TenantId, string Deployment) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0
            || !ResourceNames.IsValidTenantId(key[..slash])
            || !ResourceNames.IsValidDeployment(key[(slash + 1)..]))
        {
            throw new FormatException($"'{key}' is not a deployment key (tenant/deployment).");
        }

        return (key[..slash], key[(slash + 1)..]);
    }
}
