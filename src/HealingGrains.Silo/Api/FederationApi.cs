using System.Text;
using HealingGrains.Grains.Federation;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HealingGrains.Silo.Api;

/// <summary>
/// Federation for the operator: counts across the shards, the signed export of this installation's visible patterns,
/// and the verified import of another installation's bundle. Nothing here names a tenant.
/// </summary>
internal static class FederationApi
{
    public static IEndpointRouteBuilder MapFederationApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/federation").WithTags("Federation").RequireAuthorization(HealingClaims.OperatorPolicy);
        group.MapGet("/", OverviewAsync)
            .WithName("GetFederation")
            .WithSummary("This installation's federation settings and public key, pattern counts (no tenant information) and imported bundles.");
        group.MapGet("/export", ExportAsync)
            .WithName("ExportFederation")
            .WithSummary("A bundle of the visible patterns (at least k tenants each), signed with this installation's ECDSA P-256 key.");
        group.MapPost("/import", ImportAsync)
            .WithName("ImportFederation")
            .WithSummary("Verifies another installation's bundle (trusted key, signature, k) and merges it; 400 naming why it was refused, 409 when a bundle as new was already imported.");
        return routes;
    }

    private static async Task<Ok<FederationResponse>> OverviewAsync(FederationExchange exchange) =>
        TypedResults.Ok(FederationResponse.From(await exchange.OverviewAsync()));

    private static async Task<ContentHttpResult> ExportAsync(FederationExchange exchange) =>
        TypedResults.Text((await exchange.ExportAsync()).ToJson(), "application/json", Encoding.UTF8);

    private static async Task<Results<Ok<FederationImportResponse>, ProblemHttpResult>> ImportAsync(
        HttpContext context, FederationExchange exchange, IOptions<FederationSettings> settings, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!JsonBody.IsJson(request.ContentType))
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the bundle as application/json.");
        }

        var cap = settings.Value.MaxBundleBytes;
        if (await CappedBody.ReadAsync(context, cap, cancellationToken) is not { } body)
        {
            return TooLarge(cap);
        }

        string json;
        try
        {
            json = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return Refused("malformed", "The bundle is not UTF-8 text.");
        }

        var result = await exchange.ImportAsync(json);
        if (result.Imported)
        {
            return TypedResults.Ok(new FederationImportResponse
            {
                IssuerKey = result.IssuerKey!,
                Issuer = result.Issuer!,
                ExportedAt = result.ExportedAt!.Value,
                Patterns = result.Patterns,
            });
        }

        return result.Reason == "stale" ? Problems.Conflict(result.Problem!) : Refused(result.Reason!, result.Problem!);
    }

    // 400 with the reason's kind (malformed, untrusted, signature, below-threshold, own) beside the explanation.
    private static ProblemHttpResult Refused(string reason, string problem) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["bundle"] = [problem] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Bundle refused",
            Detail = problem,
            Extensions = { ["reason"] = reason },
        });

    private static ProblemHttpResult TooLarge(int cap) =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "Bundle too large", $"A bundle may have at most {cap:N0} bytes (HealingGrains:Federation:MaxBundleBytes).");
}
