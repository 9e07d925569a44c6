using System.Text.Json;
using System.Text.RegularExpressions;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealingGrains.Silo.Api;

/// <summary>The tenant's safety policy (admin). <c>PUT</c> changes only the fields it names.</summary>
internal static partial class PolicyApi
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
            var problem = Apply(policy, property.Name, property.Value);
            if (problem is not null)
            {
                errors[property.Name] = [problem];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        return TypedResults.Ok(await tenant.UpdatePolicyAsync(policy, "admin:key"));
    }

    private static string? Apply(PolicyInfo policy, string name, JsonElement value)
    {
        switch (name)
        {
            case "approvalThreshold":
                return Fraction(value, v => policy.ApprovalThreshold = v);
            case "maxRisk":
                return Fraction(value, v => policy.MaxRisk = v);
            case "autoDowngradeFloor":
                return Fraction(value, v => policy.AutoDowngradeFloor = v);
            case "interventionThreshold":
                return Fraction(value, v => policy.InterventionThreshold = v);
            case "aiEnabled":
                return Boolean(value, v => policy.AiEnabled = v);
            case "exploration":
                return Boolean(value, v => policy.Exploration = v);
            case "maxAutoActionsPerDeploymentPerHour":
                return Whole(value, 0, 10_000, v => policy.MaxAutoActionsPerDeploymentPerHour = v);
            case "approvalTimeoutMinutes":
                return Whole(value, 1, 10_080, v => policy.ApprovalTimeoutMinutes = v);
            case "federation":
                if (value.ValueKind == JsonValueKind.String && value.GetString() is "none" or "share" or "consume" or "both")
                {
                    policy.Federation = value.GetString()!;
                    return null;
                }

                return "One of none, share, consume, both.";
            case "allowedKinds":
                if (value.ValueKind == JsonValueKind.Null)
                {
                    policy.AllowedKinds = null;
                    return null;
                }

                if (value.ValueKind != JsonValueKind.Array
                    || value.GetArrayLength() > 50
                    || value.EnumerateArray().Any(k => k.ValueKind != JsonValueKind.String || !ActionKind().IsMatch(k.GetString()!)))
                {
                    return "null for all of a deployment's capabilities, or a list of at most 50 action kinds (lowercase letters, digits, hyphens).";
                }

                policy.AllowedKinds = [.. value.EnumerateArray().Select(k => k.GetString()!).Distinct(StringComparer.Ordinal)];
                return null;
            case "version":
                return "The version is set by the server.";
            default:
                return "Unknown policy field.";
        }
    }

    private static string? Fraction(JsonElement value, Action<double> set)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var v) && v is >= 0 and <= 1)
        {
            set(v);
            return null;
        }

        return "A number from 0 to 1.";
    }

    private static string? Whole(JsonElement value, int min, int max, Action<int> set)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var v) && v >= min && v <= max)
        {
            set(v);
            return null;
        }

        return $"A whole number from {min} to {max}.";
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

    [GeneratedRegex("^[a-z][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ActionKind();
}
