using HealingGrains.Abstractions.Keys;
using HealingGrains.Portal.Components;
using HealingGrains.Portal;
using HealingGrains.Silo.Configuration;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace HealingGrains.Silo.Hosting;

/// <summary>The admin portal: Blazor (interactive server) on the same grains as the API, behind cookie sign-in.</summary>
public static class PortalHostingExtensions
{
    /// <summary>Razor components, the portal's cookie scheme and its policies.</summary>
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        // Run from a build (dotnet run, tests, hg) the assets live in the projects and packages, found through the
        // build's static-web-assets manifest; a published app has them under wwwroot and no manifest, so this is a no-op there.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddSingleton<PortalAccounts>();
        builder.Services.AddSingleton<IPortalAccounts>(sp => sp.GetRequiredService<PortalAccounts>());
        var oidc = builder.Configuration.GetSection($"{HealingGrainsOptions.Section}:Portal:Oidc").Get<OidcSettings>() ?? new OidcSettings();
        builder.Services.AddSingleton(new HealingGrains.Portal.PortalFeatures(oidc.Enabled));
        var authentication = builder.Services.AddAuthentication();
        if (oidc.Enabled)
        {
            authentication.AddOpenIdConnect(OidcScheme, o =>
            {
                o.Authority = oidc.Authority;
                o.ClientId = oidc.ClientId;
                o.ClientSecret = oidc.ClientSecret;
                o.ResponseType = "code";
                o.SignInScheme = PortalAccounts.Scheme;
                o.Events.OnTokenValidated = context => MapOidcUser(context, oidc);
            });
        }

        authentication
            .AddCookie(PortalAccounts.Scheme, o =>
            {
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/login";
                o.Cookie.Name = "hg.portal";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ClaimNames.PortalTenantPolicy, p => p
                .AddAuthenticationSchemes(PortalAccounts.Scheme)
                .RequireClaim(ClaimNames.Kind, "admin")
                .RequireClaim(ClaimNames.Tenant))
            .AddPolicy(ClaimNames.PortalOperatorPolicy, p => p
                .AddAuthenticationSchemes(PortalAccounts.Scheme)
                .RequireClaim(ClaimNames.Kind, "operator"));
        return builder;
    }

    /// <summary>The OpenID Connect scheme, when configured.</summary>
    public const string OidcScheme = "oidc";

    // An Entra ID user is an admin of the tenant its token names, if it holds the admin app role; nobody else gets in.
    private static Task MapOidcUser(Microsoft.AspNetCore.Authentication.OpenIdConnect.TokenValidatedContext context, OidcSettings oidc)
    {
        var user = context.Principal!;
        var tenant = user.FindFirst(oidc.TenantClaim)?.Value;
        var isAdmin = user.Claims.Any(c => c.Type is "roles" or System.Security.Claims.ClaimTypes.Role && c.Value == oidc.AdminRole);
        if (!ResourceNames.IsValidTenantId(tenant) || !isAdmin)
        {
            context.Fail($"The account holds no '{oidc.AdminRole}' role for a tenant (claim '{oidc.TenantClaim}').");
            return Task.CompletedTask;
        }

        var name = user.FindFirst("preferred_username")?.Value ?? user.Identity?.Name ?? "entra-user";
        context.Principal = PortalAccounts.Principal("admin", tenant, name);
        return Task.CompletedTask;
    }

    /// <summary>The portal's pages, sign-in and sign-out.</summary>
    public static WebApplication MapPortal(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

        app.MapPost("/portal/login", async ([FromForm] string? tenant, [FromForm] string userName, [FromForm] string password,
            HttpContext context, PortalAccounts accounts) =>
        {
            var (principal, error) = await accounts.SignInAsync(string.IsNullOrWhiteSpace(tenant) ? null : tenant.Trim(), userName, password);
            if (principal is null)
            {
                return Results.Redirect($"/login?error={Uri.EscapeDataString(error!)}&tenant={Uri.EscapeDataString(tenant ?? "")}");
            }

            await context.SignInAsync(PortalAccounts.Scheme, principal);
            return Results.Redirect(principal.FindFirst(ClaimNames.Tenant) is null ? "/operator" : "/approvals");
        }).ExcludeFromDescription();

        app.MapGet("/portal/oidc", (PortalFeatures features) => features.OpenIdConnect
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = "/approvals" }, [OidcScheme])
                : Results.NotFound())
            .ExcludeFromDescription();

        app.MapPost("/portal/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(PortalAccounts.Scheme);
            return Results.Redirect("/login");
        }).ExcludeFromDescription();
        return app;
    }
}
