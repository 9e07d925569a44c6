using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealingGrains.Silo.Api;

/// <summary>Tenants (operator) and key rotation (admin).</summary>
internal static class TenantsApi
{
    private const int MaxNameLength = 200;

    public static IEndpointRouteBuilder MapTenantsApi(this IEndpointRouteBuilder routes)
    {
        var tenants = routes.MapGroup("/api/v1/tenants").WithTags("Tenants").RequireAuthorization(HealingClaims.OperatorPolicy);
        tenants.MapPost("/", CreateAsync)
            .WithName("CreateTenant").WithSummary("Creates a tenant and issues its admin and ingest keys (shown once).")
            .Accepts<CreateTenantRequest>("application/json");

        routes.MapPost("/api/v1/keys/rotate", RotateAsync)
            .WithTags("Tenants").RequireAuthorization(HealingClaims.AdminPolicy)
            .WithName("RotateKeys").WithSummary("Issues new admin and ingest keys for the caller's tenant; the old ones stop working.");
        return routes;
    }

    private static async Task<Results<Created<TenantCreatedResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, ApiJsonContext.Default.CreateTenantRequest, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        if (!ResourceNames.IsValidTenantId(body!.Id))
        {
            errors["id"] = [$"Required: {ResourceNames.TenantIdRule}."];
        }

        var name = string.IsNullOrWhiteSpace(body.Name) ? body.Id : body.Name.Trim();
        if (name is { Length: > MaxNameLength })
        {
            errors["name"] = [$"At most {MaxNameLength} characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var keys = await grains.GetGrain<ITenantGrain>(body.Id!).CreateAsync(name!);
        if (keys is null)
        {
            return Problems.Conflict($"Tenant '{body.Id}' already exists.");
        }

        return TypedResults.Created($"/api/v1/tenants/{body.Id}", new TenantCreatedResponse
        {
            Id = keys.TenantId,
            Name = name!,
            AdminKey = keys.AdminKey,
            IngestKey = keys.IngestKey,
        });
    }

    private static async Task<Ok<KeysResponse>> RotateAsync(HttpContext context, IGrainFactory grains, Security.KeyCache cache)
    {
        var keys = await grains.GetGrain<ITenantGrain>(context.User.TenantId()).RotateKeysAsync();
        cache.Clear();
        return TypedResults.Ok(new KeysResponse { AdminKey = keys.AdminKey, IngestKey = keys.IngestKey });
    }
}
