using HealingGrains.Silo.Health;
using HealingGrains.Storage;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HealingGrains.Silo.Tests;

/// <summary>Health endpoints for probes and the operator; the Orleans Dashboard behind operator sign-in.</summary>
[Collection(HostCollection.Name)]
public sealed class OperationsTests(HostFixture fixture)
{
    [Fact]
    public async Task ProbesGetTheStatusWithoutAKey()
    {
        var anonymous = fixture.Client(null);
        var live = await anonymous.GetAsync("/health/live", Api.Ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync(Api.Ct));

        var ready = await anonymous.GetAsync("/health/ready", Api.Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(Api.Ct));
    }

    [Fact]
    public async Task TheOperatorSeesEveryReadinessCheckAndOthersDoNot()
    {
        var report = await (await fixture.Operator.GetAsync("/health/ready", Api.Ct)).JsonAsync();
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        var checks = report.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("clustering").GetProperty("status").GetString());
        Assert.Contains("active silo", checks.GetProperty("clustering").GetProperty("description").GetString(), StringComparison.Ordinal);

        var tenant = await fixture.NewTenantAsync();
        var asAdmin = await tenant.Admin.GetAsync("/health/ready", Api.Ct);
        Assert.Equal("Healthy", await asAdmin.Content.ReadAsStringAsync(Api.Ct));
    }

    [Fact]
    public async Task StorageThatCannotBeReadMakesTheHostNotReady()
    {
        // A real SQLite store whose file is a directory: every read fails as a broken disk would.
        var directory = Directory.CreateTempSubdirectory("hg-broken").FullName;
        var check = new StorageHealthCheck(new SqliteRowStore(new SqliteRowStoreOptions { DataSource = directory }));
        var result = await check.CheckHealthAsync(new HealthCheckContext(), Api.Ct);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("row store", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDashboardIsForTheOperatorOnly()
    {
        var browser = fixture.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var signIn = await browser.GetAsync("/dashboard/", Api.Ct);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.StartsWith("/login", signIn.Headers.Location?.PathAndQuery, StringComparison.Ordinal);

        var tenant = await fixture.NewTenantAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.Admin.GetAsync("/dashboard/", Api.Ct)).StatusCode);

        var page = await fixture.Operator.GetAsync("/dashboard/", Api.Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(Api.Ct), StringComparison.OrdinalIgnoreCase);
    }
}
