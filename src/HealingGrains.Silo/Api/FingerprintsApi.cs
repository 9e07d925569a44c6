using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealingGrains.Silo.Api;

/// <summary>Fingerprints of the caller's tenant (admin).</summary>
internal static class FingerprintsApi
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapFingerprintsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/fingerprints").WithTags("Fingerprints").RequireAuthorization(HealingClaims.AdminPolicy);
        group.MapGet("/", ListAsync)
            .WithName("ListFingerprints")
            .WithSummary("The tenant's fingerprints, most frequent first; ?deployment= keeps those seen on one deployment, ?limit= (1 to 1,000, default 100).");
        group.MapGet("/{id}", GetAsync)
            .WithName("GetFingerprint").WithSummary("One fingerprint with its recommendations.");
        return routes;
    }

    private static async Task<Results<Ok<List<FingerprintResponse>>, ProblemHttpResult>> ListAsync(
        HttpContext context, IGrainFactory grains, string? deployment = null, string? limit = null)
    {
        var take = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, out take) || take is < 1 or > MaxLimit))
        {
            return Problems.Invalid("limit", $"A whole number from 1 to {MaxLimit}.");
        }

        var tenantId = context.User.TenantId();
        IEnumerable<string> deployments;
        if (deployment is not null)
        {
            if (!ResourceNames.IsValidDeployment(deployment)
                || await grains.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenantId, deployment)).GetAsync() is null)
            {
                return Problems.NotFound($"No deployment '{deployment}' in this tenant.");
            }

            deployments = [deployment];
        }
        else
        {
            deployments = (await grains.GetGrain<ITenantGrain>(tenantId).GetAsync())?.Deployments ?? [];
        }

        var ids = (await Task.WhenAll(deployments.Select(d =>
                grains.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenantId, d)).GetFingerprintIdsAsync())))
            .SelectMany(x => x)
            .ToHashSet(StringComparer.Ordinal);
        var infos = await Task.WhenAll(ids.Select(id =>
            grains.GetGrain<IFingerprintGrain>(FingerprintKey.Format(tenantId, id)).GetAsync()));

        return TypedResults.Ok(infos.OfType<FingerprintInfo>()
            .OrderByDescending(f => f.Count).ThenByDescending(f => f.LastSeen).ThenBy(f => f.Id, StringComparer.Ordinal)
            .Take(take)
            .Select(f => ToResponse(f, withTimeline: false))
            .ToList());
    }

    private static async Task<Results<Ok<FingerprintResponse>, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, IGrainFactory grains)
    {
        var info = ResourceNames.IsValidFingerprintId(id)
            ? await grains.GetGrain<IFingerprintGrain>(FingerprintKey.Format(context.User.TenantId(), id)).GetAsync()
            : null;
        return info is null
            ? Problems.NotFound($"No fingerprint '{id}' in this tenant.")
            : TypedResults.Ok(ToResponse(info, withTimeline: true));
    }

    private static FingerprintResponse ToResponse(FingerprintInfo f, bool withTimeline) => new()
    {
        Id = f.Id,
        Template = f.Template,
        ExceptionType = f.ExceptionType,
        SampleMessage = f.SampleMessage,
        Count = f.Count,
        FirstSeen = f.FirstSeen,
        LastSeen = f.LastSeen,
        Deployments = f.Deployments,
        Source = f.Source == FingerprintSource.Stack ? "stack" : "template",
        LastVersion = f.LastVersion,
        PerMinute = withTimeline ? [.. f.PerMinute.Select(m => new MinuteCountResponse { Minute = m.Minute, Count = m.Count })] : null,
    };
}
