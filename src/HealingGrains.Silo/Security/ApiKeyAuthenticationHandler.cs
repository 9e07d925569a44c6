using System.Text.Encodings.Web;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Core.Security;
using HealingGrains.Silo.Otlp;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace HealingGrains.Silo.Security;

/// <summary>Authenticates <c>Authorization: Bearer &lt;key&gt;</c> against the operator key and the tenants' hashed keys.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    OperatorKey operatorKey,
    IGrainFactory grains,
    KeyCache keys,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <key>'.");
        }

        var key = header[BearerPrefix.Length..].Trim();
        if (key.Length is 0 or > 512)
        {
            return AuthenticateResult.Fail("Unknown key.");
        }

        // One hash serves both questions: is it the operator's key, and which tenant key is it.
        var hash = ApiKeys.Hash(key);
        if (operatorKey.MatchesHash(hash))
        {
            return Success(HealingClaims.Principal(ApiKeyKind.Operator, null));
        }

        var tenantId = ApiKeys.TryGetTenantId(key);
        if (!ResourceNames.IsValidTenantId(tenantId))
        {
            return AuthenticateResult.Fail("Unknown key.");
        }

        if (keys.Find(tenantId!, hash) is { } known)
        {
            return Success(HealingClaims.Principal(known, tenantId));
        }

        var kind = await grains.Grain<ITenantGrain>(tenantId!).AuthenticateAsync(hash);
        if (kind is null)
        {
            return AuthenticateResult.Fail("Unknown key.");
        }

        keys.Accepted(tenantId!, hash, kind.Value);
        return Success(HealingClaims.Principal(kind.Value, tenantId));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        const string detail = "Send a valid key as 'Authorization: Bearer <key>'.";
        if (IsOtlp)
        {
            await OtlpResult.Error(StatusCodes.Status401Unauthorized, OtlpBody.EncodingOf(Request.ContentType), detail).ExecuteAsync(Context);
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await WriteProblemAsync("Unauthorized", detail);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        const string detail = "This key is not of the kind this call needs (operator, admin or ingest).";
        if (IsOtlp)
        {
            await OtlpResult.Error(StatusCodes.Status403Forbidden, OtlpBody.EncodingOf(Request.ContentType), detail).ExecuteAsync(Context);
            return;
        }

        Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteProblemAsync("Forbidden", detail);
    }

    // OTLP exporters expect the protocol's error body (google.rpc.Status), not problem details.
    private bool IsOtlp => Request.Path.StartsWithSegments("/v1");

    private AuthenticateResult Success(System.Security.Claims.ClaimsPrincipal principal) =>
        AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));

    // Whatever the Accept header says: the last writer (FallbackProblemDetailsWriter) takes every request.
    private ValueTask WriteProblemAsync(string title, string detail) =>
        problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = Response.StatusCode, Title = title, Detail = detail },
        });
}
