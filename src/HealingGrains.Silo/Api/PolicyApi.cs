using System.Text.Json;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealingGrains.Silo.Api;

/// <summary>The tenant's safety policy (admin). <c>PUT</c> changes only the fields it names.</summary>
internal static class PolicyApi
{
    public static IEndpointRouteBuilder MapPolicyApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/policy").WithTags("Policy").RequireAuthorization(HealingClaims.AdminPolicy);
        group.MapGet("/", async (HttpContext context, IGrainFactory grains) =>
                TypedResults.Ok(await grains.GetGrain<ITenantGrain>(context.User.TenantId()).GetPolicyAsync()))
            .WithName("GetPolicy").WithSummary("The tenant's safety policy.");
        group.MapPut("/", PutAsync)
            .WithName("PutPolicy").WithSummary("Changes the named fields; the others keep their values. Every change is audited.")
            .Accepts<PolicyInfo>("application/json");
        return routes;
    }

    private static async Task<Results<Ok<PolicyInfo>, ProblemHttpResult>> PutAsync(
        HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, ApiJsonContext.Default.JsonElement, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return Problems.Invalid("$", "The body must be a JSON object with the fields to change.");
        }

        var tenant = grains.GetGrain<ITenantGrain>(context.User.TenantId());
        var policy = await tenant.GetPolicyAsync();
        var errors = new Dictionary<string, string[]>();
        foreach (var property in body.EnumerateObject())
        {
            if (Apply(policy, property.Name, property.Value) is { } problem)
            {
                errors[property.Name] = [problem];
            }
        }

        // Types first (above), then what the values may be: the same rules the portal applies.
        foreach (var (field, problem) in PolicyRules.Check(policy))
        {
            errors.TryAdd(field, [problem]);
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        return TypedResults.Ok(await tenant.UpdatePolicyAsync(policy, "admin:key"));
    }

    private static string? Apply(PolicyInfo policy, string name, JsonElement value) => name switch
    {
        "approvalThreshold" => Number(value, v => policy.ApprovalThreshold = v),
        "maxRisk" => Number(value, v => policy.MaxRisk = v),
        "autoDowngradeFloor" => Number(value, v => policy.AutoDowngradeFloor = v),
        "interventionThreshold" => Number(value, v => policy.InterventionThreshold = v),
        "aiEnabled" => Boolean(value, v => policy.AiEnabled = v),
        "exploration" => Boolean(value, v => policy.Exploration = v),
        "maxAutoActionsPerDeploymentPerHour" => Whole(value, v => policy.MaxAutoActionsPerDeploymentPerHour = v),
        "approvalTimeoutMinutes" => Whole(value, v => policy.ApprovalTimeoutMinutes = v),
        "federation" => Text(value, v => policy.Federation = v),
        "allowedKinds" => Kinds(policy, value),
        "autoDomains" => Domains(policy, value),
        "version" => "The version is set by the server.",
        _ => "Unknown policy field.",
    };

    private static string? Kinds(PolicyInfo policy, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            policy.AllowedKinds = null;
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(k => k.ValueKind != JsonValueKind.String))
        {
            return "null, or a list of action kinds.";
        }

        policy.AllowedKinds = [.. value.EnumerateArray().Select(k => k.GetString()!).Distinct(StringComparer.Ordinal)];
        return null;
    }

    private static string? Domains(PolicyInfo policy, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            policy.AutoDomains = null;
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(k => k.ValueKind != JsonValueKind.String))
        {
            return "null, or a list of error categories.";
        }

        policy.AutoDomains = [.. value.EnumerateArray().Select(k => k.GetString()!).Distinct(StringComparer.Ordinal)];
        return null;
    }

    private static string? Number(JsonElement value, Action<double> set)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var v))
        {
            set(v);
            return null;
        }

        return "A number from 0 to 1.";
    }

    private static string? Whole(JsonElement value, Action<int> set)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var v))
        {
            set(v);
            return null;
        }

        return "A whole number.";
    }

    private static string? Text(JsonElement value, Action<string> set)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            set(value.GetString()!);
            return null;
        }

        return "A string.";
    }

    private static string? Boolean(JsonElement value, Action<bool> set)
    {
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            set(value.GetBoolean());
            return null;
        }

        return "true or false.";
    }
}
