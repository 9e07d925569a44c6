using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Core.Healing;
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
        if (deployment is not null
            && (!ResourceNames.IsValidDeployment(deployment)
                || await grains.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenantId, deployment)).GetAsync() is null))
        {
            return Problems.NotFound($"No deployment '{deployment}' in this tenant.");
        }

        var ids = await grains.FingerprintIdsAsync(tenantId, deployment);
        var infos = await Task.WhenAll(ids.Select(id =>
            grains.GetGrain<IFingerprintGrain>(FingerprintKey.Format(tenantId, id)).GetAsync()));

        return TypedResults.Ok(infos.OfType<FingerprintInfo>()
            .OrderByDescending(f => f.Count).ThenByDescending(f => f.LastSeen).ThenBy(f => f.Id, StringComparer.Ordinal)
            .Take(take)
            .Select(f => ToResponse(f, withTimeline: false))
            .ToList());
    }

    private static async Task<Results<Ok<FingerprintResponse>, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, IGrainFactory grains, Recommender recommender, TimeProvider time)
    {
        var tenantId = context.User.TenantId();
        var grain = ResourceNames.IsValidFingerprintId(id) ? grains.GetGrain<IFingerprintGrain>(FingerprintKey.Format(tenantId, id)) : null;
        var info = grain is null ? null : await grain.GetAsync();
        if (info is null)
        {
            return Problems.NotFound($"No fingerprint '{id}' in this tenant.");
        }

        var facts = (await grain!.GetFactsAsync())!;
        var policy = await grains.GetGrain<ITenantGrain>(tenantId).GetPolicyAsync();
        var deployments = await Task.WhenAll(info.Deployments.Select(d => grains.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenantId, d)).GetAsync()));
        var kinds = deployments.OfType<DeploymentInfo>()
            .SelectMany(d => d.Capabilities)
            .Distinct(StringComparer.Ordinal)
            .Where(k => policy.AllowedKinds is null || policy.AllowedKinds.Contains(k))
            .ToList();
        var ranked = recommender.Rank(new RecommendationRequest
        {
            Kinds = kinds,
            Own = facts.Fixes.ToDictionary(f => f.Key, f => new DecayedCounts(f.Value.Successes, f.Value.Failures, f.Value.AsOf), StringComparer.Ordinal),
            Explore = false,
            Now = time.GetUtcNow(),
        }, new Random(0));
        var response = ToResponse(info, withTimeline: true);
        return TypedResults.Ok(new FingerprintResponse
        {
            Id = response.Id,
            Template = response.Template,
            ExceptionType = response.ExceptionType,
            SampleMessage = response.SampleMessage,
            Count = response.Count,
            FirstSeen = response.FirstSeen,
            LastSeen = response.LastSeen,
            Deployments = response.Deployments,
            Source = response.Source,
            LastVersion = response.LastVersion,
            PerMinute = response.PerMinute,
            Recommendations = [.. ranked.Select(r => new RecommendationResponse
            {
                Kind = r.Kind,
                Mean = Math.Round(r.Mean, 4),
                Confidence = Math.Round(r.Confidence, 4),
                Upper = Math.Round(BetaDistribution.Quantile(r.Alpha, r.Beta, 1 - recommender.Options.CredibleQuantile), 4),
                Successes = Math.Round(r.Evidence.OwnSuccesses, 2),
                Failures = Math.Round(r.Evidence.OwnFailures, 2),
                Reasoning = r.Reasoning,
            })],
        });
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
