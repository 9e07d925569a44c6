using System.Security.Claims;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Keys;

namespace HealingGrains.Silo.Security;

/// <summary>The claims an API key yields, and the authorization policies built on them.</summary>
internal static class HealingClaims
{
    public const string Scheme = "ApiKey";
    public const string Kind = ClaimNames.Kind;
    public const string Tenant = ClaimNames.Tenant;

    public const string OperatorPolicy = "operator";
    public const string AdminPolicy = "admin";
    public const string IngestPolicy = "ingest";

    /// <summary>The tenant of the caller's key; only called behind a tenant policy, which guarantees it.</summary>
    public static string TenantId(this ClaimsPrincipal user) =>
        user.FindFirstValue(Tenant) ?? throw new InvalidOperationException("The caller's key belongs to no tenant.");

    public static ClaimsPrincipal Principal(ApiKeyKind kind, string? tenantId)
    {
        var claims = new List<Claim> { new(Kind, kind.ToString().ToLowerInvariant()) };
        if (tenantId is not null)
        {
            claims.Add(new Claim(Tenant, tenantId));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
    }
}
