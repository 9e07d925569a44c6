using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealingGrains.Silo.Api;

/// <summary>Healing actions: the admin's approvals, the agent's queue and outcomes, and deployment versions.</summary>
internal static class ActionsApi
{
    private const int MaxComment = 2000;
    private const int MaxDetail = 4096;

    public static IEndpointRouteBuilder MapActionsApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/v1/actions").WithTags("Actions").RequireAuthorization(HealingClaims.AdminPolicy);
        admin.MapGet("/", ListAsync)
            .WithName("ListActions").WithSummary("The tenant's open actions; ?state=pending-approval|approved|dispatched keeps one state.");
        admin.MapPost("/{id}/approve", (string id, HttpContext context, IGrainFactory grains, CancellationToken ct) =>
                DecideAsync(id, approve: true, context, grains, ct))
            .WithName("ApproveAction").WithSummary("PendingApproval → Approved; 409 otherwise.").Accepts<DecisionRequest>("application/json");
        admin.MapPost("/{id}/reject", (string id, HttpContext context, IGrainFactory grains, CancellationToken ct) =>
                DecideAsync(id, approve: false, context, grains, ct))
            .WithName("RejectAction").WithSummary("PendingApproval → Rejected; 409 otherwise.").Accepts<DecisionRequest>("application/json");

        var agent = routes.MapGroup("/api/v1").WithTags("Actions").RequireAuthorization(HealingClaims.IngestPolicy);
        agent.MapGet("/actions/{id}", GetAsync).WithName("GetAction").WithSummary("One action.");
        agent.MapPost("/actions/{id}/dispatched", DispatchAsync)
            .WithName("DispatchAction").WithSummary("Optional claim before running: Approved → Dispatched; again: 200.");
        agent.MapPost("/actions/{id}/outcome", OutcomeAsync)
            .WithName("ReportOutcome").WithSummary("Approved/Dispatched → Succeeded/Failed; the same outcome again: 200; a different one: 409.")
            .Accepts<OutcomeRequest>("application/json");
        agent.MapGet("/deployments/{deployment}/actions", DeploymentActionsAsync)
            .WithName("DeploymentActions").WithSummary("The deployment's open actions; ?state=approved is what the agent should run now. Reading changes nothing.");
        agent.MapPost("/deployments/{deployment}/versions", AddVersionAsync)
            .WithName("AddVersion").WithSummary("Registers a new version of a deployment (the azd postdeploy hook calls this).")
            .Accepts<VersionRequest>("application/json");
        return routes;
    }

    private static async Task<Results<Ok<List<ActionResponse>>, ProblemHttpResult>> ListAsync(
        HttpContext context, IGrainFactory grains, string? state = null)
    {
        if (!TryParseOpenState(state, out var wanted))
        {
            return Problems.Invalid("state", "One of pending-approval, approved, dispatched (open actions).");
        }

        return TypedResults.Ok(Filter(await grains.OpenActionsAsync(context.User.TenantId()), wanted));
    }

    private static async Task<Results<Ok<List<ActionResponse>>, ProblemHttpResult>> DeploymentActionsAsync(
        string deployment, HttpContext context, IGrainFactory grains, string? state = null)
    {
        if (!TryParseOpenState(state, out var wanted))
        {
            return Problems.Invalid("state", "One of pending-approval, approved, dispatched (open actions).");
        }

        var tenantId = context.User.TenantId();
        if (!ResourceNames.IsValidDeployment(deployment)
            || await grains.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenantId, deployment)).GetAsync() is null)
        {
            return Problems.NotFound($"No deployment '{deployment}' in this tenant.");
        }

        return TypedResults.Ok(Filter(await grains.OpenActionsAsync(tenantId, deployment), wanted));
    }

    private static async Task<Results<Ok<ActionResponse>, ProblemHttpResult>> GetAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var action = ActionKey.IsValidId(id)
            ? await grains.GetGrain<IHealingActionGrain>(ActionKey.Format(context.User.TenantId(), id)).GetAsync()
            : null;
        return action is null ? Problems.NotFound($"No action '{id}' in this tenant.") : TypedResults.Ok(ActionResponse.From(action));
    }

    private static async Task<Results<Ok<ActionResponse>, ProblemHttpResult>> DecideAsync(
        string id, bool approve, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadOptionalAsync(context.Request, ApiJsonContext.Default.DecisionRequest, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (body?.Comment is { Length: > MaxComment })
        {
            return Problems.Invalid("comment", $"At most {MaxComment} characters.");
        }

        if (!ActionKey.IsValidId(id))
        {
            return Problems.NotFound($"No action '{id}' in this tenant.");
        }

        var action = grains.GetGrain<IHealingActionGrain>(ActionKey.Format(context.User.TenantId(), id));
        var actor = "admin:key";
        var result = approve ? await action.ApproveAsync(actor, body?.Comment) : await action.RejectAsync(actor, body?.Comment);
        return ToResult(id, result);
    }

    private static async Task<Results<Ok<ActionResponse>, ProblemHttpResult>> DispatchAsync(string id, HttpContext context, IGrainFactory grains)
    {
        if (!ActionKey.IsValidId(id))
        {
            return Problems.NotFound($"No action '{id}' in this tenant.");
        }

        return ToResult(id, await grains.GetGrain<IHealingActionGrain>(ActionKey.Format(context.User.TenantId(), id)).DispatchAsync());
    }

    private static async Task<Results<Ok<ActionResponse>, ProblemHttpResult>> OutcomeAsync(
        string id, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, ApiJsonContext.Default.OutcomeRequest, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        if (body!.Succeeded is null)
        {
            errors["succeeded"] = ["Required: true or false."];
        }

        if (body.Detail is { Length: > MaxDetail })
        {
            errors["detail"] = [$"At most {MaxDetail} characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        if (!ActionKey.IsValidId(id))
        {
            return Problems.NotFound($"No action '{id}' in this tenant.");
        }

        var action = grains.GetGrain<IHealingActionGrain>(ActionKey.Format(context.User.TenantId(), id));
        return ToResult(id, await action.ReportOutcomeAsync(body.Succeeded!.Value, body.Detail));
    }

    private static async Task<Results<Created<DeploymentVersion>, ProblemHttpResult>> AddVersionAsync(
        string deployment, HttpContext context, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, ApiJsonContext.Default.VersionRequest, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        if (body!.Version is not { Length: > 0 and <= 128 } version || version.Any(char.IsControl))
        {
            errors["version"] = ["Required: 1 to 128 characters, no control characters."];
        }

        if (body.Commit is { } commit && (commit.Length > 128 || commit.Any(char.IsControl)))
        {
            errors["commit"] = ["At most 128 characters, no control characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var tenantId = context.User.TenantId();
        var grain = ResourceNames.IsValidDeployment(deployment)
            ? grains.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenantId, deployment))
            : null;
        if (grain is null || await grain.GetAsync() is null)
        {
            return Problems.NotFound($"No deployment '{deployment}' in this tenant: register it first with PUT /api/v1/deployments/{deployment}.");
        }

        var now = time.GetUtcNow();
        var added = await grain.AddVersionAsync(new DeploymentVersion
        {
            Version = body.Version!,
            Commit = body.Commit,
            DeployedAt = body.DeployedAt ?? now,
            RegisteredAt = now,
        });
        return TypedResults.Created($"/api/v1/deployments/{deployment}", added);
    }

    private static Results<Ok<ActionResponse>, ProblemHttpResult> ToResult(string id, ActionTransition result) => result.Status switch
    {
        TransitionStatus.Ok => TypedResults.Ok(ActionResponse.From(result.Action!)),
        TransitionStatus.Conflict => Problems.Conflict(result.Problem ?? "The transition is not allowed from the action's state."),
        _ => Problems.NotFound($"No action '{id}' in this tenant."),
    };

    // Reading may expire stale pending approvals, so the open set can hold a just-expired one: filter by state.
    private static List<ActionResponse> Filter(IReadOnlyList<HealingActionInfo> actions, ActionState? wanted) =>
        [.. actions
            .Where(a => wanted is null ? a.State is ActionState.PendingApproval or ActionState.Approved or ActionState.Dispatched : a.State == wanted)
            .Select(ActionResponse.From)];

    private static bool TryParseOpenState(string? text, out ActionState? state)
    {
        state = text?.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant() switch
        {
            null => null,
            "pendingapproval" => ActionState.PendingApproval,
            "approved" => ActionState.Approved,
            "dispatched" => ActionState.Dispatched,
            _ => (ActionState)(-1),
        };
        return state is null || (int)state.Value >= 0;
    }
}
