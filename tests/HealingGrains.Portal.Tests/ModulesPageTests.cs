using System.Net;
using System.Text;
using Microsoft.Playwright;

namespace HealingGrains.Portal.Tests;

[Collection(PortalCollection.Name)]
public sealed class ModulesPageTests(PortalFixture fixture)
{
    private static string Manifest(string id, string kind) => $$"""
        { "id": "{{id}}", "version": "1.2.0", "platform": "^1.0.0", "permissions": { "kinds": ["{{kind}}"] },
          "rules": [ { "id": "r", "match": { "category": "Database" }, "propose": { "kind": "{{kind}}", "priority": 500 } } ],
          "tests": [ { "name": "t", "situation": { "category": "Database" }, "expect": "{{kind}}" } ] }
        """;

    [Fact]
    public async Task TheModulesPageListsTheInstalledModuleItsSnapshotAndEachAttemptsSteps()
    {
        var tenant = await fixture.NewTenantAsync("restart", "scale-out");
        var installed = await tenant.Admin.PostAsync("/api/v1/modules", new StringContent(Manifest("acme.db-pool", "scale-out"), Encoding.UTF8, "application/json"), PortalFixture.Ct);
        Assert.Equal(HttpStatusCode.Created, installed.StatusCode);
        var refused = await tenant.Admin.PostAsync("/api/v1/modules", new StringContent(Manifest("acme.failover", "failover"), Encoding.UTF8, "application/json"), PortalFixture.Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);

        var page = await fixture.SignInAsync(tenant);
        await page.GetByRole(AriaRole.Link, new() { Name = "Modules" }).ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Modules", new() { Timeout = 15_000 });
        var row = page.Locator("tr[data-module='acme.db-pool']");
        await Assertions.Expect(row).ToContainTextAsync("1.2.0");
        await Assertions.Expect(row).ToContainTextAsync("admin:key");
        await Assertions.Expect(page.Locator("[data-testid=snapshots]")).ToContainTextAsync("install acme.db-pool 1.2.0");
        await Assertions.Expect(page.Locator("li[data-attempt='1']")).ToContainTextAsync("installed");
        await Assertions.Expect(page.Locator("li[data-attempt='1'] .steps > li")).ToHaveCountAsync(6);
        var second = page.Locator("li[data-attempt='2']");
        await Assertions.Expect(second).ToContainTextAsync("refused");
        await Assertions.Expect(second.Locator(".reasons")).ToContainTextAsync("No deployment of the tenant can run kind failover");
        await fixture.ScreenshotAsync(page, "modules");
    }
}
