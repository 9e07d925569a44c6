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
        Assert.Equal("builtin.rules@1.0.0", action.GetProperty("evidence").GetProperty("models").GetProperty("rules").GetString());
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

    [Fact]
    public async Task AnAdminMergesAFingerprintIntoAnotherAndTheListShowsOneWithBothOccurrences()
    {
        var tenant = await fixture.NewTenantAsync();
        await tenant.SendErrorAsync("Inventory timed out after 3000 ms");
        await tenant.SendErrorAsync("Basket service refused the connection on port 8080");
        var fingerprints = await WaitForFingerprintsAsync(tenant, 2);
        var source = fingerprints.Single(f => f.Template.Contains("Inventory", StringComparison.Ordinal)).Id;
        var target = fingerprints.Single(f => f.Template.Contains("Basket", StringComparison.Ordinal)).Id;
        var page = await fixture.SignInAsync(tenant);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Approvals" })).ToBeVisibleAsync();

        await page.GotoAsync($"/fingerprints/{source}");
        await Assertions.Expect(page.Locator("h1[data-interactive=yes]")).ToContainTextAsync("Inventory", new() { Timeout = 15_000 });
        await page.GetByLabel("Merge into").SelectOptionAsync(target);
        await page.GetByLabel("Reason for merging").FillAsync("the basket outage makes inventory time out");
        await page.GetByRole(AriaRole.Button, new() { Name = "Merge…" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Basket service refused");
        await fixture.ScreenshotAsync(page, "fingerprint-merge-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, merge" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Merged into");
        await Assertions.Expect(page.Locator($"[data-merged-into='{target}']")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Fingerprints" }).ClickAsync();
        var rows = page.Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.Locator("td a")).ToContainTextAsync("Basket service refused");
        await Assertions.Expect(rows.Locator("td").Nth(1)).ToHaveTextAsync("2");
        await fixture.ScreenshotAsync(page, "fingerprints-merged");

        var grouping = await tenant.Admin.GetFromJsonAsync<JsonElement>("/api/v1/fingerprints/grouping", PortalFixture.Ct);
        var merge = Assert.Single(grouping.GetProperty("merges").EnumerateArray());
        Assert.Equal((source, target, "admin:alice"), (merge.GetProperty("fingerprint").GetString(), merge.GetProperty("into").GetString(), merge.GetProperty("by").GetString()));
    }

    [Fact]
    public async Task AnAdminCorrectsAFingerprintsCategoryAndTheApiShowsWhoGaveIt()
    {
        var tenant = await fixture.NewTenantAsync();
        await tenant.SendErrorAsync("Inventory timed out after 3000 ms on host alpha");
        var source = Assert.Single(await WaitForFingerprintsAsync(tenant, 1, count: 1));
        var page = await fixture.SignInAsync(tenant);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Approvals" })).ToBeVisibleAsync();

        await page.GotoAsync($"/fingerprints/{source.Id}");
        await Assertions.Expect(page.Locator("h1[data-interactive=yes]")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(page.Locator("[data-category]")).ToHaveTextAsync("not categorised");
        await page.GetByLabel("Category").SelectOptionAsync("Capacity");
        await page.GetByRole(AriaRole.Button, new() { Name = "Correct the category" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The category is now Capacity.");
        await Assertions.Expect(page.Locator("[data-category='Capacity']")).ToHaveTextAsync("Capacity (admin:alice)");
        var json = await tenant.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/fingerprints/{source.Id}", PortalFixture.Ct);
        Assert.Equal(("Capacity", "admin:alice"), (json.GetProperty("category").GetString(), json.GetProperty("categorySource").GetString()));
    }

    [Fact]
    public async Task AnAdminSplitsAFingerprintByTemplateAndTheListMarksTheNewOne()
    {
        var tenant = await fixture.NewTenantAsync();
        await tenant.SendErrorAsync("Inventory timed out after 3000 ms on host alpha");
        await tenant.SendErrorAsync("Inventory timed out after 2000 ms on host beta");
        var source = Assert.Single(await WaitForFingerprintsAsync(tenant, 1, count: 2));
        var page = await fixture.SignInAsync(tenant);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Approvals" })).ToBeVisibleAsync();

        await page.GotoAsync($"/fingerprints/{source.Id}");
        await Assertions.Expect(page.Locator("h1[data-interactive=yes]")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(page.GetByLabel("Template of the events to split off")).ToHaveValueAsync(source.Template);
        await page.GetByLabel("Template of the events to split off").FillAsync("<*> <*>");
        await page.GetByRole(AriaRole.Button, new() { Name = "Split off" }).ClickAsync();
        await Assertions.Expect(page.Locator("#template-error")).ToContainTextAsync("literal");
        await page.GetByLabel("Template of the events to split off").FillAsync(source.Template.Replace("host <*>", "host alpha", StringComparison.Ordinal));
        await page.GetByLabel("Reason for splitting").FillAsync("host alpha has its own sensor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Split off" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Split off as");
        var splitId = await page.GetByRole(AriaRole.Status).Locator("a").TextContentAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Fingerprints" }).ClickAsync();
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator($".tag[data-split-from='{source.Id}']")).ToHaveTextAsync("split off");
        await fixture.ScreenshotAsync(page, "fingerprints-split");
        await page.GotoAsync($"/fingerprints/{splitId}");
        await Assertions.Expect(page.Locator($"[data-split-from='{source.Id}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("No occurrences yet")).ToBeVisibleAsync();
    }

    private static async Task<List<(string Id, string Template)>> WaitForFingerprintsAsync(PortalTenant tenant, int fingerprints, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var list = await tenant.Admin.GetFromJsonAsync<JsonElement>("/api/v1/fingerprints", PortalFixture.Ct);
            if (list.GetArrayLength() == fingerprints && list.EnumerateArray().All(f => f.GetProperty("count").GetInt64() == count))
            {
                return [.. list.EnumerateArray().Select(f => (f.GetProperty("id").GetString()!, f.GetProperty("template").GetString()!))];
            }

            Assert.True(DateTime.UtcNow < deadline, $"expected {fingerprints} fingerprints: {list}");
            await Task.Delay(20, PortalFixture.Ct);
        }
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
