using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Core.Fingerprinting;
using HealingGrains.Core.Healing;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealingGrains.Silo.Api;

/// <summary>Fingerprints of the caller's tenant (admin), and the admins' merges and splits of them.</summary>
internal static class FingerprintsApi
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    // API keys carry no person; the portal records the signed-in user's name instead.
    private const string Actor = "admin:key";

    public static IEndpointRouteBuilder MapFingerprintsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/fingerprints").WithTags("Fingerprints").RequireAuthorization(HealingClaims.AdminPolicy);
        group.MapGet("/", ListAsync)
            .WithName("ListFingerprints")
            .WithSummary("The tenant's fingerprints, most frequent first; ?deployment= keeps those seen on one deployment, ?limit= (1 to 1,000, default 100).");
        group.MapGet("/{id}", GetAsync)
            .WithName("GetFingerprint").WithSummary("One fingerprint with its recommendations.");
        group.MapGet("/grouping", GroupingAsync)
            .WithName("GetFingerprintGrouping").WithSummary("The tenant's merges and splits, oldest first, with who decided, when and why.");
        group.MapPost("/{id}/merge", MergeAsync)
            .WithName("MergeFingerprint")
            .WithSummary("Merges the fingerprint into another of the tenant's: its later events land there, which absorbs its count and deployments. Audited.")
            .Accepts<MergeRequest>("application/json");
        group.MapPost("/{id}/split", SplitAsync)
            .WithName("SplitFingerprint")
            .WithSummary("Splits the fingerprint's events whose masked text matches a template off into a new fingerprint, created at once. Audited.")
            .Accepts<SplitRequest>("application/json");
        group.MapPut("/{id}/category", CategoryAsync)
            .WithName("CorrectFingerprintCategory")
            .WithSummary("Sets the fingerprint's error category; the correction also becomes training data for the classifier.")
            .Accepts<CategoryRequest>("application/json");
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
            grains.Grain<IFingerprintGrain>(FingerprintKey.Format(tenantId, id)).GetAsync()));

        // A merged fingerprint is shown by its target, which absorbed its occurrences; it still answers by id.
        return TypedResults.Ok(infos.OfType<FingerprintInfo>()
            .Where(f => f.MergedInto is null)
            .OrderByDescending(f => f.Count).ThenByDescending(f => f.LastSeen).ThenBy(f => f.Id, StringComparer.Ordinal)
            .Take(take)
            .Select(f => ToResponse(f, withTimeline: false))
            .ToList());
    }

    private static async Task<Results<Ok<FingerprintResponse>, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, IGrainFactory grains, Recommender recommender, TimeProvider time)
    {
        var tenantId = context.User.TenantId();
        var info = ResourceNames.IsValidFingerprintId(id)
            ? await grains.Grain<IFingerprintGrain>(FingerprintKey.Format(tenantId, id)).GetAsync()
            : null;
        if (info is null)
        {
            return Problems.NotFound($"No fingerprint '{id}' in this tenant.");
        }

        return TypedResults.Ok(await DetailAsync(grains, tenantId, info, recommender, time));
    }

    private static async Task<Ok<GroupingResponse>> GroupingAsync(HttpContext context, IGrainFactory grains)
    {
        var grouping = await grains.GetGrain<IFingerprintGroupingGrain>(context.User.TenantId()).GetAsync();
        return TypedResults.Ok(new GroupingResponse
        {
            Merges = [.. grouping.Merges.Select(m => new MergeResponse { Fingerprint = m.Fingerprint, Into = m.Into, By = m.By, At = m.At, Reason = m.Reason })],
            Splits = [.. grouping.Splits.Select(s => new SplitResponse
            {
                Fingerprint = s.Fingerprint,
                Template = s.Template,
                Into = s.Into,
                By = s.By,
                At = s.At,
                Reason = s.Reason,
            })],
        });
    }

    private static async Task<Results<Ok<FingerprintResponse>, ProblemHttpResult>> MergeAsync(
        string id, HttpContext context, IGrainFactory grains, Recommender recommender, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, ApiJsonContext.Default.MergeRequest, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        if (body!.Into is not { } into || !ResourceNames.IsValidFingerprintId(into))
        {
            errors["into"] = [$"Required: the id of the fingerprint to merge into, {ResourceNames.FingerprintRule}."];
        }
        else if (into == id)
        {
            errors["into"] = ["A fingerprint cannot be merged into itself."];
        }

        if (SplitPattern.CheckReason(body.Reason) is { } reasonProblem)
        {
            errors["reason"] = [reasonProblem];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        if (!ResourceNames.IsValidFingerprintId(id))
        {
            return Problems.NotFound($"No fingerprint '{id}' in this tenant.");
        }

        var tenantId = context.User.TenantId();
        var result = await grains.GetGrain<IFingerprintGroupingGrain>(tenantId).MergeAsync(id, body.Into!, Actor, body.Reason);
        return result.Status == GroupingStatus.Ok
            ? TypedResults.Ok(await DetailAsync(grains, tenantId, result.Fingerprint!, recommender, time))
            : ToProblem(result, "into");
    }

    private static async Task<Results<Created<FingerprintResponse>, ProblemHttpResult>> SplitAsync(
        string id, HttpContext context, IGrainFactory grains, Recommender recommender, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, ApiJsonContext.Default.SplitRequest, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        if (SplitPattern.Check(body!.Template) is { } templateProblem)
        {
            errors["template"] = [templateProblem];
        }

        if (SplitPattern.CheckReason(body.Reason) is { } reasonProblem)
        {
            errors["reason"] = [reasonProblem];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        if (!ResourceNames.IsValidFingerprintId(id))
        {
            return Problems.NotFound($"No fingerprint '{id}' in this tenant.");
        }

        var tenantId = context.User.TenantId();
        var result = await grains.GetGrain<IFingerprintGroupingGrain>(tenantId).SplitAsync(id, body.Template!, Actor, body.Reason);
        if (result.Status != GroupingStatus.Ok)
        {
            return ToProblem(result, "template");
        }

        var created = await DetailAsync(grains, tenantId, result.Fingerprint!, recommender, time);
        return TypedResults.Created($"/api/v1/fingerprints/{created.Id}", created);
    }

    private static async Task<Results<Ok<FingerprintResponse>, ProblemHttpResult>> CategoryAsync(
        string id, HttpContext context, IGrainFactory grains, Recommender recommender, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, ApiJsonContext.Default.CategoryRequest, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var categories = Enum.GetNames<ErrorCategory>();
        var category = Array.Find(categories, c => string.Equals(c, body!.Category, StringComparison.OrdinalIgnoreCase));
        if (category is null)
        {
            return Problems.Invalid("category", $"Required: one of {string.Join(", ", categories)}.");
        }

        var tenantId = context.User.TenantId();
        var info = ResourceNames.IsValidFingerprintId(id)
            ? await grains.GetGrain<IFingerprintGrain>(FingerprintKey.Format(tenantId, id)).CorrectCategoryAsync(category, Actor)
            : null;
        return info is null
            ? Problems.NotFound($"No fingerprint '{id}' in this tenant.")
            : TypedResults.Ok(await DetailAsync(grains, tenantId, info, recommender, time));
    }

    private static ProblemHttpResult ToProblem(GroupingResult result, string field) => result.Status switch
    {
        GroupingStatus.NotFound => Problems.NotFound(result.Problem!),
        GroupingStatus.Invalid => Problems.Invalid(field, result.Problem!),
        _ => Problems.Conflict(result.Problem!),
    };

    private static async Task<FingerprintResponse> DetailAsync(
        IGrainFactory grains, string tenantId, FingerprintInfo info, Recommender recommender, TimeProvider time)
    {
        var facts = await grains.GetGrain<IFingerprintGrain>(FingerprintKey.Format(tenantId, info.Id)).GetFactsAsync();
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
            Own = facts?.Fixes.ToDictionary(f => f.Key, f => new DecayedCounts(f.Value.Successes, f.Value.Failures, f.Value.AsOf), StringComparer.Ordinal)
                ?? new Dictionary<string, DecayedCounts>(StringComparer.Ordinal),
            Explore = false,
            Now = time.GetUtcNow(),
        }, new Random(0));
        return ToResponse(info, withTimeline: true, [.. ranked.Select(r => new RecommendationResponse
        {
            Kind = r.Kind,
            Mean = Math.Round(r.Mean, 4),
            Confidence = Math.Round(r.Confidence, 4),
            Upper = Math.Round(BetaDistribution.Quantile(r.Alpha, r.Beta, 1 - recommender.Options.CredibleQuantile), 4),
            Successes = Math.Round(r.Evidence.OwnSuccesses, 2),
            Failures = Math.Round(r.Evidence.OwnFailures, 2),
            Reasoning = r.Reasoning,
        })]);
    }

    private static FingerprintResponse ToResponse(FingerprintInfo f, bool withTimeline, IReadOnlyList<RecommendationResponse>? recommendations = null) => new()
    {
        Id = f.Id,
        Template = f.Template,
        ExceptionType = f.ExceptionType,
        SampleMessage = f.SampleMessage,
        Count = f.Count,
        FirstSeen = f.Count == 0 ? null : f.FirstSeen,
        LastSeen = f.Count == 0 ? null : f.LastSeen,
        Deployments = f.Deployments,
        Source = f.Source switch
        {
            FingerprintSource.Stack => "stack",
            FingerprintSource.Prediction => "prediction",
            _ => "template",
        },
        LastVersion = f.LastVersion,
        PerMinute = withTimeline ? [.. f.PerMinute.Select(m => new MinuteCountResponse { Minute = m.Minute, Count = m.Count })] : null,
        Recommendations = recommendations,
        MergedInto = f.MergedInto,
        SplitFrom = f.SplitFrom,
        MergedFrom = f.MergedFrom,
        Category = f.Category,
        CategorySource = f.CategorySource,
    };
}
