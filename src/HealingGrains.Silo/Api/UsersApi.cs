using HealingGrains.Abstractions.Grains;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealingGrains.Silo.Api;

/// <summary>Portal accounts of the caller's tenant (admin).</summary>
internal static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/users", CreateAsync)
            .WithTags("Users").RequireAuthorization(HealingClaims.AdminPolicy)
            .WithName("CreateUser").WithSummary("Creates a portal account (role admin) for the caller's tenant.")
            .Accepts<CreateUserRequest>("application/json");
        return routes;
    }

    private static async Task<Results<Created<UserCreated>, ProblemHttpResult>> CreateAsync(
        HttpContext context, IGrainFactory grains, PortalAccounts accounts, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, ApiJsonContext.Default.CreateUserRequest, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        if (PortalAccounts.Check(body!.UserName, "x".PadRight(PortalAccounts.MinPasswordLength)) is { } nameProblem)
        {
            errors["userName"] = [nameProblem];
        }

        if (PortalAccounts.Check("user", body.Password) is { } passwordProblem)
        {
            errors["password"] = [passwordProblem];
        }

        if (body.Role is not (null or "admin"))
        {
            errors["role"] = ["admin (the only tenant role so far)."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var created = await grains.GetGrain<ITenantGrain>(context.User.TenantId())
            .CreateUserAsync(body.UserName!, accounts.Hash(body.UserName!, body.Password!), "admin");
        return created
            ? TypedResults.Created($"/api/v1/users/{body.UserName}", new UserCreated { UserName = body.UserName!, Role = "admin" })
            : Problems.Conflict($"User '{body.UserName}' already exists in this tenant.");
    }
}

/// <summary>Body of <c>POST /api/v1/users</c>.</summary>
public sealed class CreateUserRequest
{
    public string? UserName { get; init; }

    public string? Password { get; init; }

    public string? Role { get; init; }
}

/// <summary>Response of <c>POST /api/v1/users</c>.</summary>
public sealed class UserCreated
{
    public required string UserName { get; init; }

    public required string Role { get; init; }
}
