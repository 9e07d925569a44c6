using System.Text.Encodings.Web;
using HealingGrains.Silo.Otlp;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace HealingGrains.Silo.Security;

/// <summary>Authenticates <c>Authorization: Bearer &lt;key&gt;</c> against the operator key and the tenants' hashed keys.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyAuthenticator authenticator,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var identity = await authenticator.AuthenticateAsync(Context);
        return identity switch
        {
            { Kind: not null } => AuthenticateResult.Success(new AuthenticationTicket(identity.Principal(), Scheme.Name)),
            { Failure: { } failure } => AuthenticateResult.Fail(failure),
            _ => AuthenticateResult.NoResult(),
        };
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

    // Whatever the Accept header says: the last writer (FallbackProblemDetailsWriter) takes every request.
    private ValueTask WriteProblemAsync(string title, string detail) =>
        problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = Response.StatusCode, Title = title, Detail = detail },
        });
}
