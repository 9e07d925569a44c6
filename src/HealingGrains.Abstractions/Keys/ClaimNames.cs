namespace HealingGrains.Abstractions.Keys;

/// <summary>The claims that say who a caller is, shared by the API's keys and the portal's accounts.</summary>
public static class ClaimNames
{
    /// <summary><c>operator</c>, <c>admin</c> or <c>ingest</c>.</summary>
    public const string Kind = "hg:kind";

    /// <summary>The caller's tenant id (absent for the operator).</summary>
    public const string Tenant = "hg:tenant";

    /// <summary>The portal policy for a tenant's admins.</summary>
    public const string PortalTenantPolicy = "portal-tenant";

    /// <summary>The portal policy for the operator.</summary>
    public const string PortalOperatorPolicy = "portal-operator";
}
