namespace HealingGrains.Abstractions.Keys;

/// <summary>Builds and parses the key <c>tenant/actionId</c> of <c>HealingActionGrain</c>.</summary>
public static class ActionKey
{
    /// <summary>A new action id: 32 lowercase hex digits.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>Whether <paramref name="id"/> has the shape of an action id.</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: 32 } && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    /// <summary>Formats the composite key of an action.</summary>
    public static string Format(string tenantId, string actionId)
    {
        if (!ResourceNames.IsValidTenantId(tenantId))
        {
            throw new ArgumentException($"Tenant id must be {ResourceNames.TenantIdRule}.", nameof(tenantId));
        }

        if (!IsValidId(actionId))
        {
            throw new ArgumentException("An action id is 32 lowercase hexadecimal digits.", nameof(actionId));
        }

        return $"{tenantId}/{actionId}";
    }

    /// <summary>Parses a key made by <see cref="Format"/>.</summary>
    public static (string TenantId, string ActionId) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !ResourceNames.IsValidTenantId(key[..slash]) || !IsValidId(key[(slash + 1)..]))
        {
            throw new FormatException($"'{key}' is not an action key (tenant/actionId).");
        }

        return (key[..slash], key[(slash + 1)..]);
    }
}
