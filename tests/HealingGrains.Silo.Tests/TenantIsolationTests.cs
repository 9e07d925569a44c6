
namespace HealingGrains.Silo.Tests;

[Collection(HostCollection.Name)]
public sealed class TenantIsolationTests(HostFixture host)
{
    [Fact]
    public async Task ATenantNeverSeesAnotherTenantsResources()
    {
        var a = await host.NewTenantAsync();
        var b = await host.NewTenantAsync();
        await a.Admin.PutDeploymentAsync("shop-prod", "restart");
        await a.Ingest.SendErrorsAsync("shop-prod", "Order 17 failed validation");
        var list = await a.Admin.FingerprintsAsync("shop-prod", l => Api.OneWithCount(l, 1));
        var id = list[0].GetProperty("id").GetString();

        await ProblemAssert.IsProblemAsync(await b.Admin.GetAsync($"/api/v1/fingerprints/{id}", Api.Ct), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await b.Admin.GetAsync("/api/v1/fingerprints?deployment=shop-prod", Api.Ct), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await b.Admin.GetAsync("/api/v1/deployments/shop-prod", Api.Ct), HttpStatusCode.NotFound);
        Assert.Equal(0, (await (await b.Admin.GetAsync("/api/v1/fingerprints", Api.Ct)).JsonAsync()).GetArrayLength());
        Assert.Equal(0, (await (await b.Admin.GetAsync("/api/v1/deployments", Api.Ct)).JsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task ATenantCannotWriteIntoAnotherTenantsDeployment()
    {
        var a = await host.NewTenantAsync();
        var b = await host.NewTenantAsync();
        await a.Admin.PutDeploymentAsync("shop-prod", "restart");

        // B's ingest key names A's deployment: it is not B's, so it does not exist for B.
        await ProblemAssert.IsProblemAsync(await b.Ingest.SendErrorsAsync("shop-prod", "injected"), HttpStatusCode.NotFound);

        // B registering a deployment of the same name creates B's own, leaving A's untouched.
        await b.Admin.PutDeploymentAsync("shop-prod", "scale-out");
        var mine = await (await a.Admin.GetAsync("/api/v1/deployments/shop-prod", Api.Ct)).JsonAsync();
        Assert.Equal("restart", mine.GetProperty("capabilities")[0].GetString());
    }

    [Fact]
    public async Task TheSameMessageInTwoTenantsGivesEachItsOwnFingerprint()
    {
        var a = await host.NewTenantAsync();
        var b = await host.NewTenantAsync();
        await a.Admin.PutDeploymentAsync("shop-prod");
        await b.Admin.PutDeploymentAsync("shop-prod");

        await a.Ingest.SendErrorsAsync("shop-prod", "Invoice 9 could not be rendered", "Invoice 10 could not be rendered");
        await b.Ingest.SendErrorsAsync("shop-prod", "Invoice 11 could not be rendered");

        Assert.True(Api.OneWithCount(await a.Admin.FingerprintsAsync("shop-prod", l => Api.OneWithCount(l, 2)), 2));
        Assert.True(Api.OneWithCount(await b.Admin.FingerprintsAsync("shop-prod", l => Api.OneWithCount(l, 1)), 1));
    }

    [Fact]
    public async Task AnAdminKeyMayAlsoSendTelemetryButOnlyForItsTenant()
    {
        var a = await host.NewTenantAsync();
        await a.Admin.PutDeploymentAsync("shop-prod");

        var response = await a.Admin.PostAsJsonAsync("/api/v1/telemetry",
            new { deployment = "shop-prod", events = new[] { new { kind = "metric", name = "cpu", value = 0.5 } } }, Api.Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
