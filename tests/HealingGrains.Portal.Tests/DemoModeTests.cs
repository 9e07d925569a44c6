using HealingGrains.Silo.Hosting;
using Microsoft.Playwright;

namespace HealingGrains.Portal.Tests;

[Collection(PortalCollection.Name)]
public sealed class DemoModeTests(PortalFixture fixture)
{
    [Fact]
    public async Task ANewcomerSignsInWithThePrintedCredentialsAndSeesApprovalsArriveAndOutcomesLand()
    {
        await using var host = await EmbeddedHost.StartAsync(seed: 9, PortalFixture.Ct, demoInterval: TimeSpan.FromMilliseconds(300));
        var password = await host.DemoPasswordAsync().WaitAsync(TimeSpan.FromSeconds(30), PortalFixture.Ct);
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.Address.ToString() });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/login");
        await page.GetByLabel("Tenant").FillAsync(DemoService.Tenant);
        await page.GetByLabel("User name").FillAsync(DemoService.User);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.Locator("h1[data-interactive=yes]")).ToHaveTextAsync("Approvals", new() { Timeout = 15_000 });
        var card = page.Locator("li[data-action]").First;
        await Assertions.Expect(card).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await fixture.ScreenshotAsync(page, "demo-approvals");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        // The demo's agent runs the approved fix and reports its outcome: it shows in the audit log.
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit" }).ClickAsync();
        var outcome = page.Locator("td", new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^action\\.(succeeded|failed)$") });
        for (var i = 0; i < 50 && await outcome.CountAsync() == 0; i++)
        {
            await page.WaitForTimeoutAsync(200);
            await page.ReloadAsync();
        }

        Assert.True(await outcome.CountAsync() > 0, "no outcome landed");
        await fixture.ScreenshotAsync(page, "demo-audit");
    }
}
