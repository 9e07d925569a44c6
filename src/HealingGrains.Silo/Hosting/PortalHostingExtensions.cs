using HealingGrains.Abstractions.Keys;
using HealingGrains.Portal.Components;
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
        builder.Services.AddAuthentication()
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

        app.MapPost("/portal/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(PortalAccounts.Scheme);
            return Results.Redirect("/login");
        }).ExcludeFromDescription();
        return app;
    }
}
