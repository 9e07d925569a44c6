using System.Text.RegularExpressions;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealingGrains.Silo.Api;

/// <summary>Deployments of the caller's tenant (admin).</summary>
internal static partial class DeploymentsApi
{
    private const int MaxCapabilities = 50;
    private const int MaxTextLength = 200;

    public static IEndpointRouteBuilder MapDeploymentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/deployments").WithTags("Deployments").RequireAuthorization(HealingClaims.AdminPolicy);
        group.MapPut("/{deployment}", PutAsync)
            .WithName("PutDeployment").WithSummary("Registers a deployment or changes its registration.")
            .Accepts<DeploymentRequest>("application/json");
        group.MapGet("/{deployment}", GetAsync)
            .WithName("GetDeployment").WithSummary("A registered deployment.");
        group.MapGet("/", ListAsync)
            .WithName("ListDeployments").WithSummary("The tenant's deployments.");
        group.MapGet("/{deployment}/metrics", ListMetricsAsync)
            .WithName("ListMetrics").WithSummary("The deployment's metrics: each one's class, limit, newest point and latest failure prediction.");
        group.MapGet("/{deployment}/metrics/{name}", GetMetricAsync)
            .WithName("GetMetric").WithSummary("One metric with the points of its window, oldest first.");
        return routes;
    }

    private static async Task<Results<Ok<DeploymentInfo>, ProblemHttpResult>> PutAsync(
        string deployment, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!ResourceNames.IsValidDeployment(deployment))
        {
            return Problems.Invalid("deployment", $"The deployment name must be {ResourceNames.DeploymentRule}.");
        }

        var (body, error) = await JsonBody.ReadAsync(context.Request, ApiJsonContext.Default.DeploymentRequest, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        CheckText(errors, "service", body!.Service);
        CheckText(errors, "environment", body.Environment);
        var capabilities = body.Capabilities ?? [];
        if (capabilities.Count > MaxCapabilities)
        {
            errors["capabilities"] = [$"At most {MaxCapabilities} capabilities."];
        }

        for (var i = 0; i < capabilities.Count; i++)
        {
            if (capabilities[i] is not { } kind || !ActionKindPattern().IsMatch(kind))
            {
                errors[$"capabilities[{i}]"] = ["An action kind: 1 to 64 lowercase letters, digits or hyphens, starting with a letter."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var info = await grains.GetGrain<IDeploymentGrain>(DeploymentKey.Format(context.User.TenantId(), deployment))
            .RegisterAsync(new DeploymentSpec
            {
                Service = body.Service,
                Environment = body.Environment,
                Capabilities = [.. capabilities.Distinct(StringComparer.Ordinal)!],
            });
        return TypedResults.Ok(info);
    }

    private static async Task<Results<Ok<DeploymentInfo>, ProblemHttpResult>> GetAsync(
        string deployment, HttpContext context, IGrainFactory grains)
    {
        var info = ResourceNames.IsValidDeployment(deployment)
            ? await grains.GetGrain<IDeploymentGrain>(DeploymentKey.Format(context.User.TenantId(), deployment)).GetAsync()
            : null;
        return info is null ? Problems.NotFound($"No deployment '{deployment}' in this tenant.") : TypedResults.Ok(info);
    }

    private static async Task<Ok<List<DeploymentInfo>>> ListAsync(HttpContext context, IGrainFactory grains)
    {
        var tenantId = context.User.TenantId();
        var tenant = await grains.GetGrain<ITenantGrain>(tenantId).GetAsync();
        var infos = await Task.WhenAll((tenant?.Deployments ?? []).Select(d =>
            grains.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenantId, d)).GetAsync()));
        return TypedResults.Ok(infos.OfType<DeploymentInfo>().ToList());
    }

    private static async Task<Results<Ok<List<MetricWindowInfo>>, ProblemHttpResult>> ListMetricsAsync(
        string deployment, HttpContext context, IGrainFactory grains)
    {
        var grain = await RegisteredAsync(grains, context, deployment);
        return grain is null
            ? Problems.NotFound($"No deployment '{deployment}' in this tenant.")
            : TypedResults.Ok((await grain.GetMetricsAsync()).ToList());
    }

    private static async Task<Results<Ok<MetricWindowInfo>, ProblemHttpResult>> GetMetricAsync(
        string deployment, string name, HttpContext context, IGrainFactory grains)
    {
        var grain = await RegisteredAsync(grains, context, deployment);
        if (grain is null)
        {
            return Problems.NotFound($"No deployment '{deployment}' in this tenant.");
        }

        return await grain.GetMetricAsync(name) is { } metric
            ? TypedResults.Ok(metric)
            : Problems.NotFound($"Deployment '{deployment}' has no metric '{name}'.");
    }

    private static async Task<IDeploymentGrain?> RegisteredAsync(IGrainFactory grains, HttpContext context, string deployment)
    {
        if (!ResourceNames.IsValidDeployment(deployment))
        {
            return null;
        }

        var grain = grains.GetGrain<IDeploymentGrain>(DeploymentKey.Format(context.User.TenantId(), deployment));
        return await grain.GetAsync() is null ? null : grain;
    }

    private static void CheckText(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (value is not null && (value.Length > MaxTextLength || value.Any(char.IsControl)))
        {
            errors[field] = [$"At most {MaxTextLength} characters, no control characters."];
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ActionKindPattern();
}
