using System.Text.Json;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace HealingGrains.Silo.Api;

/// <summary>
/// The tenant's healing modules (admin): integrate a manifest (every check, then a snapshot and the install), list,
/// roll back to a snapshot, uninstall. The registry grain audits each step.
/// </summary>
internal static class ModulesApi
{
    private const string Actor = "admin:key";

    public static IEndpointRouteBuilder MapModulesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/modules").WithTags("Modules").RequireAuthorization(HealingClaims.AdminPolicy);
        group.MapGet("/", ListAsync)
            .WithName("ListModules").WithSummary("The installed modules, the snapshots kept and the latest integration attempts with their steps.");
        group.MapPost("/", IntegrateAsync)
            .WithName("IntegrateModule")
            .WithSummary("Integrates a module manifest: parse, compatibility, its own tests, a replay of the tenant's recorded incidents, then a snapshot and the install. 201 with the step report; 400 with every wrong field; 422 with the reasons it was refused.")
            .Accepts<JsonElement>("application/json");
        group.MapPost("/rollback", RollbackAsync)
            .WithName("RollbackModules").WithSummary("Restores the installed set of a snapshot exactly (body { \"snapshot\": n }, default the latest).")
            .Accepts<ModuleRollbackRequest>("application/json");
        group.MapDelete("/{id}", UninstallAsync)
            .WithName("UninstallModule").WithSummary("Takes a snapshot and uninstalls the module.");
        return routes;
    }

    private static async Task<Ok<ModuleRegistryInfo>> ListAsync(HttpContext context, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IModuleRegistryGrain>(context.User.TenantId()).ListAsync());

    private static async Task<Results<Created<ModuleIntegrationReport>, ProblemHttpResult>> IntegrateAsync(
        HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, ApiJsonContext.Default.JsonElement, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return Problems.Invalid("$", "The body must be a module manifest (a JSON object).");
        }

        var report = await grains.GetGrain<IModuleRegistryGrain>(context.User.TenantId()).IntegrateAsync(body.GetRawText(), Actor);
        if (report.Installed)
        {
            return TypedResults.Created($"/api/v1/modules/{report.ModuleId}", report);
        }

        var problem = report.FieldErrors.Count > 0
            ? new HttpValidationProblemDetails(report.FieldErrors) { Status = StatusCodes.Status400BadRequest, Title = "Invalid module manifest" }
            : new ProblemDetails { Status = StatusCodes.Status422UnprocessableEntity, Title = "Module refused" };
        problem.Detail = string.Join(" ", report.Reasons);
        problem.Extensions["reasons"] = report.Reasons;
        problem.Extensions["report"] = report;
        return TypedResults.Problem(problem);
    }

    private static async Task<Results<Ok<ModuleRegistryChange>, ProblemHttpResult>> RollbackAsync(
        HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        int? snapshot = null;
        if (context.Request.ContentLength is > 0 || context.Request.ContentType is not null)
        {
            var (body, error) = await JsonBody.ReadAsync(context.Request, ApiJsonContext.Default.ModuleRollbackRequest, cancellationToken);
            if (error is not null)
            {
                return error;
            }

            snapshot = body!.Snapshot;
        }

        var registry = grains.GetGrain<IModuleRegistryGrain>(context.User.TenantId());
        var change = await registry.RollbackAsync(snapshot, Actor);
        return change.Problem switch
        {
            null => TypedResults.Ok(change),
            { } problem when snapshot is null => Problems.Conflict(problem),
            { } problem => Problems.NotFound(problem),
        };
    }

    private static async Task<Results<Ok<ModuleRegistryChange>, ProblemHttpResult>> UninstallAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var change = await grains.GetGrain<IModuleRegistryGrain>(context.User.TenantId()).UninstallAsync(id, Actor);
        return change.Problem is { } problem ? Problems.NotFound(problem) : TypedResults.Ok(change);
    }
}

/// <summary>Which snapshot to roll back to.</summary>
public sealed record ModuleRollbackRequest
{
    /// <summary>The snapshot's number; null for the latest.</summary>
    public int? Snapshot { get; init; }
}
