using System.Security.Claims;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Core.Security;

namespace HealingGrains.Silo.Security;

/// <summary>
/// Decides what an <c>Authorization: Bearer &lt;key&gt;</c> header is: the operator's key, a tenant's key of some kind, or
/// no key at all. The authentication handler and the ingest fast path (<see cref="Api.TelemetryFastPath"/>) both ask it;
/// a request's answer is kept on the request, so a request the fast path leaves to the pipeline is not asked about twice
/// (an unknown key costs a grain call).
/// </summary>
internal sealed class ApiKeyAuthenticator(OperatorKey operatorKey, IGrainFactory grains, KeyCache keys)
{
    private const string BearerPrefix = "Bearer ";

    /// <summary>What the request's key is; the first call per request decides, later ones read the answer.</summary>
    public async ValueTask<ApiKeyIdentity> AuthenticateAsync(HttpContext context)
    {
        if (context.Features.Get<ApiKeyIdentity>() is { } known)
        {
            return known;
        }

        var identity = await DecideAsync(context.Request.Headers.Authorization);
        context.Features.Set(identity);
        return identity;
    }

    private async ValueTask<ApiKeyIdentity> DecideAsync(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return ApiKeyIdentity.None;
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return ApiKeyIdentity.Failed("The Authorization header must be 'Bearer <key>'.");
        }

        var key = header[BearerPrefix.Length..].Trim();
        if (key.Length is 0 or > 512)
        {
            return ApiKeyIdentity.Unknown;
        }

        // One hash serves both questions: is it the operator's key, and which tenant key is it.
        var hash = ApiKeys.Hash(key);
        if (operatorKey.MatchesHash(hash))
        {
            return new ApiKeyIdentity(ApiKeyKind.Operator, null, null);
        }

        var tenantId = ApiKeys.TryGetTenantId(key);
        if (!ResourceNames.IsValidTenantId(tenantId))
        {
            return ApiKeyIdentity.Unknown;
        }

        if (keys.Find(tenantId!, hash) is { } cached)
        {
            return new ApiKeyIdentity(cached, tenantId, null);
        }

        var kind = await grains.Grain<ITenantGrain>(tenantId!).AuthenticateAsync(hash);
        if (kind is null)
        {
            return ApiKeyIdentity.Unknown;
        }

        keys.Accepted(tenantId!, hash, kind.Value);
        return new ApiKeyIdentity(kind.Value, tenantId, null);
    }
}

/// <summary>
/// What a request's key is: a kind (and the tenant of a tenant key), or why it is none (<see cref="Failure"/>), or no
/// key sent at all (neither).
/// </summary>
internal sealed record ApiKeyIdentity(ApiKeyKind? Kind, string? TenantId, string? Failure)
{
    /// <summary>No Authorization header.</summary>
    public static readonly ApiKeyIdentity None = new(null, null, null);

    /// <summary>A key that is nobody's.</summary>
    public static readonly ApiKeyIdentity Unknown = Failed("Unknown key.");

    /// <summary>Whether the key may send telemetry: a tenant's ingest or admin key (the ingest policy).</summary>
    public bool MayIngest => TenantId is not null && Kind is ApiKeyKind.Ingest or ApiKeyKind.Admin;

    /// <summary>A header that names no key, for this reason.</summary>
    public static ApiKeyIdentity Failed(string reason) => new(null, null, reason);

    /// <summary>The claims of a key that is someone's.</summary>
    public ClaimsPrincipal Principal() => HealingClaims.Principal(Kind!.Value, TenantId);
}
