namespace HealingGrains.Abstractions.Keys;

/// <summary>
/// Builds and parses the key <c>tenant/fingerprint</c> of <c>FingerprintGrain</c>: fingerprints are per tenant,
/// shared by all of its deployments.
/// </summary>
public static class FingerprintKey
{
    /// <summary>Formats the composite key of a fingerprint.</summary>
    public static string Format(string tenantId, string fingerprintId)
    {
        if (!ResourceNames.IsValidTenantId(tenantId))
        {
            throw new ArgumentException($"Tenant id must be {ResourceNames.TenantIdRule}.", nameof(tenantId));
        }

        if (!ResourceNames.IsValidFingerprintId(fingerprintId))
        {
            throw new ArgumentException($"Fingerprint id must be {ResourceNames.FingerprintRule}.", nameof(fingerprintId));
        }

        return $"{tenantId}/{fingerprintId}";
    }

    /// <summary>Parses a key made by <see cref="Format"/>.</summary>
    public static (string TenantId, string FingerprintId) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0
            || !ResourceNames.IsValidTenantId(key[..slash])
            || !ResourceNames.IsValidFingerprintId(key[(slash + 1)..]))
        {
            throw new FormatException($"'{key}' is not a fingerprint key (tenant/fingerprint).");
        }

        return (key[..slash], key[(slash + 1)..]);
    }
}
