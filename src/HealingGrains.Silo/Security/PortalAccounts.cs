using System.Security.Claims;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using Microsoft.AspNetCore.Identity;

namespace HealingGrains.Silo.Security;

/// <summary>
/// Portal accounts: tenant users (ASP.NET Core's password hasher, lockout after repeated failures) and the operator
/// (user name <c>operator</c>, the operator key as password).
/// </summary>
internal sealed class PortalAccounts(IGrainFactory grains, OperatorKey operatorKey, TimeProvider time) : HealingGrains.Portal.IPortalAccounts
{
    public const string Scheme = "portal";
    public const string OperatorUser = "operator";
    public const int MinPasswordLength = 12;

    private readonly PasswordHasher<string> _hasher = new();

    public string Hash(string userName, string password) => _hasher.HashPassword(userName, password);

    /// <summary>The rules for a new account, in words; null when it is acceptable.</summary>
    public static string? Check(string? userName, string? password)
    {
        if (userName is not { Length: >= 1 and <= 64 } || !userName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
        {
            return "A user name is 1 to 64 letters, digits, '.', '-', '_' or '@'.";
        }

        return password is { Length: >= MinPasswordLength and <= 256 } ? null : $"A password has {MinPasswordLength} to 256 characters.";
    }

    /// <inheritdoc/>
    public async Task<string?> CreateAdminAsync(string tenantId, string userName, string password)
    {
        if (Check(userName, password) is { } problem)
        {
            return problem;
        }

        return await grains.GetGrain<ITenantGrain>(tenantId).CreateUserAsync(userName, Hash(userName, password), "admin")
            ? null
            : $"User '{userName}' already exists in this tenant.";
    }

    /// <summary>The signed-in principal, or the reason there is none.</summary>
    public async Task<(ClaimsPrincipal? Principal, string? Error)> SignInAsync(string? tenantId, string userName, string password)
    {
        const string wrong = "The tenant, user name or password is wrong.";
        if (string.IsNullOrEmpty(tenantId) && userName == OperatorUser)
        {
            return operatorKey.Matches(password)
                ? (Principal("operator", null, OperatorUser), null)
                : (null, wrong);
        }

        if (!ResourceNames.IsValidTenantId(tenantId))
        {
            return (null, wrong);
        }

        var tenant = grains.GetGrain<ITenantGrain>(tenantId!);
        var user = await tenant.GetUserAsync(userName);
        if (user is null)
        {
            return (null, wrong);
        }

        if (user.LockedUntil is { } until && until > time.GetUtcNow())
        {
            return (null, $"This account is locked after repeated failed sign-ins; try again after {until:HH:mm} UTC.");
        }

        var verified = _hasher.VerifyHashedPassword(userName, user.PasswordHash, password) != PasswordVerificationResult.Failed;
        var after = await tenant.RecordSignInAsync(userName, verified);
        if (!verified)
        {
            return (null, after?.LockedUntil is not null ? "Too many failed sign-ins: the account is locked for 15 minutes." : wrong);
        }

        return (Principal(user.Role, tenantId, userName), null);
    }

    public static ClaimsPrincipal Principal(string kind, string? tenantId, string userName)
    {
        var claims = new List<Claim> { new(HealingClaims.Kind, kind), new(ClaimTypes.Name, userName) };
        if (tenantId is not null)
        {
            claims.Add(new Claim(HealingClaims.Tenant, tenantId));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, ClaimTypes.Name, HealingClaims.Kind));
    }

}
