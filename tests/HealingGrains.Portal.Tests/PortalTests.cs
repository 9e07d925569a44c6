using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace HealingGrains.Portal.Tests;

[Collection(PortalCollection.Name)]
public sealed class PortalTests(PortalFixture fixture)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 15_000 };

    [Fact]
    public async Task AnAdminSignsInSeesTheProposedActionApprovesItAndTheAgentAndAuditSeeIt()
    {
        var tenant = await fixture.NewTenantAsync();
        await tenant.SendErrorAsync();
        var page = await fixture.SignInAsync(tenant);

        var card = page.Locator("li[data-action]");
        await Assertions.Expect(page.Locator("h1[data-interactive=yes]")).ToHaveTextAsync("Approvals", new() { Timeout = 15_000 });
        await Assertions.Expect(card).ToBeVisibleAsync(Soon);
        await Assertions.Expect(card.Locator(".reasoning")).ToContainTextAsync("No outcome of");
        await fixture.ScreenshotAsync(page, "approvals");
        var actionId = await card.GetAttributeAsync("data-action");

        await card.GetByLabel("Comment").FillAsync("looks right");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Approved");

        var queue = await tenant.Ingest.GetFromJsonAsync<JsonElement>("/api/v1/deployments/shop-prod/actions?state=approved", PortalFixture.Ct);
        Assert.Equal(actionId, Assert.Single(queue.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("admin:alice", queue[0].GetProperty("decidedBy").GetString());

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Chain verified");
        await Assertions.Expect(page.Locator("td", new() { HasText = "action.approved" })).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(page, "audit");
    }

    [Fact]
    public async Task RejectingKeepsTheCommentAndClosesTheAction()
    {
        var tenant = await fixture.NewTenantAsync();
        await tenant.SendErrorAsync();
        var page = await fixture.SignInAsync(tenant);
        var card = page.Locator("li[data-action]");
        await Assertions.Expect(page.Locator("h1[data-interactive=yes]")).ToHaveTextAsync("Approvals", new() { Timeout = 15_000 });
        await Assertions.Expect(card).ToBeVisibleAsync(Soon);
        var actionId = await card.GetAttributeAsync("data-action");

        await card.GetByLabel("Comment").FillAsync("restart would drop carts");
        await card.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Rejected");
        var action = await tenant.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/actions/{actionId}", PortalFixture.Ct);
        Assert.Equal("Rejected", action.GetProperty("state").GetString());
        Assert.Equal("restart would drop carts", action.GetProperty("comment").GetString());
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedWithAMessage()
    {
        var tenant = await fixture.NewTenantAsync();

        var page = await fixture.SignInAsync(tenant, password: "not the password");

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("wrong");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await fixture.ScreenshotAsync(page, "login-wrong-password");
    }

    [Fact]
    public async Task AnotherTenantSeesNoneOfTheseActions()
    {
        var a = await fixture.NewTenantAsync();
        await a.SendErrorAsync();
        var pending = await WaitForPendingAsync(a);
        var b = await fixture.NewTenantAsync();

        var page = await fixture.SignInAsync(b);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Approvals" })).ToBeVisibleAsync();

        await Assertions.Expect(page.Locator($"li[data-action='{pending}']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("li[data-action]")).ToHaveCountAsync(0);
        var response = await page.APIRequest.PostAsync($"/api/v1/actions/{pending}/approve");
        Assert.Equal(401, response.Status);
    }

    [Fact]
    public async Task TheFailSafeSwitchChangesWhatIsProposed()
    {
        var tenant = await fixture.NewTenantAsync("scale-out", "restart");
        var page = await fixture.SignInAsync(tenant);
        await page.GetByRole(AriaRole.Link, new() { Name = "Policy" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1[data-interactive=yes]")).ToHaveTextAsync("Policy", new() { Timeout = 15_000 });

        await page.GetByRole(AriaRole.Button, new() { Name = "Turn learning off (fail-safe)" }).ClickAsync();
        await fixture.ScreenshotAsync(page, "policy-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, turn it off" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Fail-safe on");
        await fixture.ScreenshotAsync(page, "policy");

        await tenant.SendErrorAsync();
        var id = await WaitForPendingAsync(tenant);
        var action = await tenant.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/actions/{id}", PortalFixture.Ct);
        Assert.Equal("restart", action.GetProperty("kind").GetString());
        Assert.Equal("builtin/1", action.GetProperty("evidence").GetProperty("models").GetProperty("rules").GetString());
        var policy = await tenant.Admin.GetFromJsonAsync<JsonElement>("/api/v1/policy", PortalFixture.Ct);
        Assert.False(policy.GetProperty("aiEnabled").GetBoolean());
    }

    [Fact]
    public async Task DeploymentsAndFingerprintsShowWhatWasLearned()
    {
        var tenant = await fixture.NewTenantAsync();
        await tenant.Ingest.PostAsJsonAsync("/api/v1/deployments/shop-prod/versions", new { version = "2.1.0" }, PortalFixture.Ct);
        await tenant.SendErrorAsync();
        var id = await WaitForPendingAsync(tenant);
        await tenant.Admin.PostAsync($"/api/v1/actions/{id}/approve", null, PortalFixture.Ct);
        var done = await tenant.Ingest.PostAsJsonAsync($"/api/v1/actions/{id}/outcome", new { succeeded = true, detail = "ok" }, PortalFixture.Ct);
        var kind = (await done.Content.ReadFromJsonAsync<JsonElement>(PortalFixture.Ct)).GetProperty("kind").GetString()!;
        var page = await fixture.SignInAsync(tenant);

        await page.GetByRole(AriaRole.Link, new() { Name = "Deployments" }).ClickAsync();
        await Assertions.Expect(page.Locator("section.card", new() { HasText = "shop-prod" })).ToContainTextAsync("2.1.0");
        await Assertions.Expect(page.Locator("section.card", new() { HasText = "shop-prod" })).ToContainTextAsync("0.1 per minute");
        await fixture.ScreenshotAsync(page, "deployments");

        await page.GetByRole(AriaRole.Link, new() { Name = "Fingerprints" }).ClickAsync();
        await Assertions.Expect(page.Locator("svg.spark")).ToHaveCountAsync(1);
        await fixture.ScreenshotAsync(page, "fingerprints");
        await page.Locator("td a").First.ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "What was learned" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("tr", new() { HasText = kind }).First).ToContainTextAsync("succeeded 1 time");
        await Assertions.Expect(page.Locator("td.ok")).ToHaveTextAsync("succeeded");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "What shaped each proposal" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("td", new() { HasText = "recommender beta-thompson/1" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("td", new() { HasText = "2.1.0 (+0)" })).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(page, "fingerprint-learned");
    }

    [Fact]
    public async Task TheOperatorSeesTenantsAndTheClusterButNoTenantsPages()
    {
        var tenant = await fixture.NewTenantAsync();
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.Host.Address.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("User name").FillAsync("operator");
        await page.GetByLabel("Password").FillAsync(fixture.Host.OperatorKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.Locator("code", new() { HasText = tenant.Id })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("td", new() { HasText = "Active" }).First).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(page, "operator");

        await page.GotoAsync("/approvals");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task FiveWrongPasswordsLockTheAccount()
    {
        var tenant = await fixture.NewTenantAsync();
        IPage? page = null;
        for (var i = 0; i < 5; i++)
        {
            page = await fixture.SignInAsync(tenant, password: "wrong password " + i);
        }

        await Assertions.Expect(page!.GetByRole(AriaRole.Alert)).ToContainTextAsync("locked");
        var withTheRightPassword = await fixture.SignInAsync(tenant);
        await Assertions.Expect(withTheRightPassword.GetByRole(AriaRole.Alert)).ToContainTextAsync("locked");
    }

    [Fact]
    public async Task ThePortalIsReadableAtPhoneWidthAndUsableWithTheKeyboard()
    {
        var tenant = await fixture.NewTenantAsync();
        await tenant.SendErrorAsync();
        await WaitForPendingAsync(tenant);
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.Host.Address.ToString(),
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");

        // Keyboard only: tab into the form (past the skip link), type, submit with Enter.
        for (var i = 0; i < 5 && await page.EvaluateAsync<string>("document.activeElement?.id ?? ''") != "tenant"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal("tenant", await page.EvaluateAsync<string>("document.activeElement?.id ?? ''"));
        await page.Keyboard.TypeAsync(tenant.Id);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(tenant.User);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(tenant.Password);
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Locator("li[data-action]")).ToBeVisibleAsync(Soon);
        var wide = await page.EvaluateAsync<string>(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className).slice(0, 5).join(', ')");
        Assert.True(wide.Length == 0, $"wider than a phone: {wide}");
        await fixture.ScreenshotAsync(page, "approvals-phone");
    }

    [Fact]
    public async Task EntraIdSignInIsOfferedWhenConfigured()
    {
        await using var host = await Silo.Hosting.EmbeddedHost.StartAsync(seed: 3, PortalFixture.Ct, settings: new Dictionary<string, string?>
        {
            ["HealingGrains:Portal:Oidc:Authority"] = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
            ["HealingGrains:Portal:Oidc:ClientId"] = "portal-client",
        });
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.Address.ToString() });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/login");

        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Entra ID" })).ToBeVisibleAsync();
        var withoutOidc = await fixture.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = fixture.Host.Address.ToString() });
        await withoutOidc.GotoAsync("/login");
        await Assertions.Expect(withoutOidc.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Assertions.Expect(withoutOidc.GetByText("Entra ID")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AnAdminCreatesAnotherAccountInThePortalWhichCanSignIn()
    {
        var tenant = await fixture.NewTenantAsync();
        var page = await fixture.SignInAsync(tenant);
        await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1[data-interactive=yes]")).ToHaveTextAsync("Users", new() { Timeout = 15_000 });

        await page.GetByLabel("User name").FillAsync("bob");
        await page.GetByLabel("Password (at least 12 characters)").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("12 to 256 characters");
        await page.GetByLabel("Password (at least 12 characters)").FillAsync("bob's long enough password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Created bob");
        await Assertions.Expect(page.Locator("td", new() { HasText = "bob" })).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(page, "users");

        var bob = await fixture.SignInAsync(tenant with { User = "bob", Password = "bob's long enough password" });
        await Assertions.Expect(bob.GetByRole(AriaRole.Heading, new() { Name = "Approvals" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task PolicySettingsAreEditedWithClearErrorsAndSavedAsANewVersion()
    {
        var tenant = await fixture.NewTenantAsync();
        var page = await fixture.SignInAsync(tenant);
        await page.GetByRole(AriaRole.Link, new() { Name = "Policy" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1[data-interactive=yes]")).ToHaveTextAsync("Policy", new() { Timeout = 15_000 });

        await page.GetByLabel("Approval threshold").FillAsync("1.5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(page.Locator("#approvalThreshold-error")).ToContainTextAsync("from 0 to 1");

        await page.GetByLabel("Approval threshold").FillAsync("0.8");
        await page.GetByLabel("Allowed kinds").FillAsync("restart");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved as version 2");
        await fixture.ScreenshotAsync(page, "policy-edit");

        var policy = await tenant.Admin.GetFromJsonAsync<JsonElement>("/api/v1/policy", PortalFixture.Ct);
        Assert.Equal(0.8, policy.GetProperty("approvalThreshold").GetDouble());
        Assert.Equal("restart", Assert.Single(policy.GetProperty("allowedKinds").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task PagesNeedASignIn()
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.Host.Address.ToString() });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/audit");

        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await fixture.ScreenshotAsync(page, "login");
    }

    private static async Task<string> WaitForPendingAsync(PortalTenant tenant)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var list = await tenant.Admin.GetFromJsonAsync<JsonElement>("/api/v1/actions?state=pending-approval", PortalFixture.Ct);
            if (list.GetArrayLength() > 0)
            {
                return list[0].GetProperty("id").GetString()!;
            }

            Assert.True(DateTime.UtcNow < deadline, "no action was proposed");
            await Task.Delay(20, PortalFixture.Ct);
        }
    }
}
