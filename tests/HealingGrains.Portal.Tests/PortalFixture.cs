using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HealingGrains.Silo.Hosting;
using Microsoft.Playwright;

namespace HealingGrains.Portal.Tests;

/// <summary>A real host on a free port and Debian's Chromium driven by Playwright, shared by the portal tests.</summary>
public sealed class PortalFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public EmbeddedHost Host { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    public async ValueTask InitializeAsync()
    {
        Host = await EmbeddedHost.StartAsync(seed: 5, CancellationToken.None);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Host.DisposeAsync();
    }

    public HttpClient Api(string? key)
    {
        var client = new HttpClient { BaseAddress = Host.Address };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>A new tenant with a portal user, a deployment and its keys.</summary>
    public async Task<PortalTenant> NewTenantAsync(params string[] capabilities)
    {
        var id = "p-" + Guid.NewGuid().ToString("N")[..10];
        var created = await (await Api(Host.OperatorKey).PostAsJsonAsync("/api/v1/tenants", new { id, name = id }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var tenant = new PortalTenant(id, Api(created.GetProperty("adminKey").GetString()), Api(created.GetProperty("ingestKey").GetString()), "alice", "correct horse battery staple");
        (await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { userName = tenant.User, password = tenant.Password }, Ct)).EnsureSuccessStatusCode();
        (await tenant.Admin.PutAsJsonAsync("/api/v1/deployments/shop-prod", new { service = "shop", capabilities = capabilities.Length > 0 ? capabilities : ["restart", "scale-out"] }, Ct)).EnsureSuccessStatusCode();
        return tenant;
    }

    public async Task<IPage> SignInAsync(PortalTenant tenant, string? password = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Host.Address.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("Tenant").FillAsync(tenant.Id);
        await page.GetByLabel("User name").FillAsync(tenant.User);
        await page.GetByLabel("Password").FillAsync(password ?? tenant.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        return page;
    }

    public Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string FindScreenshotDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HealingGrains.sln")))
            {
                return Directory.CreateDirectory(Path.Combine(dir.FullName, "artifacts", "screenshots")).FullName;
            }
        }

        return Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
    }
}

/// <summary>A tenant as the tests use it: API clients with its keys and its portal account.</summary>
public sealed record PortalTenant(string Id, HttpClient Admin, HttpClient Ingest, string User, string Password)
{
    public async Task SendErrorAsync(string message = "Inventory timed out after 3000 ms") =>
        (await Ingest.PostAsJsonAsync("/api/v1/telemetry", new
        {
            deployment = "shop-prod",
            events = new[] { new { kind = "error", message, exceptionType = "System.TimeoutException" } },
        }, PortalFixture.Ct)).EnsureSuccessStatusCode();
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "portal";
}
