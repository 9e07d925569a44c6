using System.Text;
using System.Text.Json;

namespace HealingGrains.Silo.Tests;

[Collection(HostCollection.Name)]
public sealed class HealingApiTests(HostFixture host)
{
    private static async Task<JsonElement> PendingActionAsync(HostFixture.Tenant tenant)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var list = await (await tenant.Admin.GetAsync("/api/v1/actions?state=pending-approval", Api.Ct)).JsonAsync();
            if (list.GetArrayLength() > 0 || DateTime.UtcNow > deadline)
            {
                return list[0];
            }

            await Task.Delay(20, Api.Ct);
        }
    }

    private async Task<(HostFixture.Tenant Tenant, JsonElement Action)> IncidentAsync()
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod", "restart", "scale-out");
        await tenant.Ingest.SendErrorsAsync("shop-prod", "Inventory timed out after 3000 ms");
        return (tenant, await PendingActionAsync(tenant));
    }

    [Fact]
    public async Task ANewTenantsPolicyRequiresApprovalForEverything()
    {
        var tenant = await host.NewTenantAsync();

        var policy = await (await tenant.Admin.GetAsync("/api/v1/policy", Api.Ct)).JsonAsync();

        Assert.Equal(1.0, policy.GetProperty("approvalThreshold").GetDouble());
        Assert.Equal(0.3, policy.GetProperty("maxRisk").GetDouble());
        Assert.Equal(JsonValueKind.Null, policy.GetProperty("allowedKinds").ValueKind);
        Assert.Equal(6, policy.GetProperty("maxAutoActionsPerDeploymentPerHour").GetInt32());
        Assert.True(policy.GetProperty("aiEnabled").GetBoolean());
        Assert.Equal("none", policy.GetProperty("federation").GetString());
    }

    [Fact]
    public async Task PutChangesOnlyTheNamedFieldsAndIsAudited()
    {
        var tenant = await host.NewTenantAsync();

        var changed = await (await tenant.Admin.PutAsJsonAsync("/api/v1/policy", new { maxRisk = 0.2, allowedKinds = new[] { "restart" } }, Api.Ct)).JsonAsync();

        Assert.Equal(0.2, changed.GetProperty("maxRisk").GetDouble());
        Assert.Equal("restart", changed.GetProperty("allowedKinds")[0].GetString());
        Assert.Equal(1.0, changed.GetProperty("approvalThreshold").GetDouble());
        Assert.Equal(2, changed.GetProperty("version").GetInt32());
        var audit = await (await tenant.Admin.GetAsync("/api/v1/audit", Api.Ct)).JsonAsync();
        Assert.Equal("policy.changed", audit[0].GetProperty("event").GetString());
    }

    [Theory]
    [InlineData("""{"approvalThreshold": 1.5}""", "approvalThreshold")]
    [InlineData("""{"maxRisk": "low"}""", "maxRisk")]
    [InlineData("""{"allowedKinds": ["Restart!"]}""", "allowedKinds")]
    [InlineData("""{"maxAutoActionsPerDeploymentPerHour": -1}""", "maxAutoActionsPerDeploymentPerHour")]
    [InlineData("""{"aiEnabled": "no"}""", "aiEnabled")]
    [InlineData("""{"federation": "everyone"}""", "federation")]
    [InlineData("""{"approvalTreshold": 0.5}""", "approvalTreshold")]
    [InlineData("""[]""", "$")]
    public async Task AnInvalidPolicyIsA400NamingTheFieldAndChangesNothing(string json, string field)
    {
        var tenant = await host.NewTenantAsync();

        var response = await tenant.Admin.PutAsync("/api/v1/policy", new StringContent(json, Encoding.UTF8, "application/json"), Api.Ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(1, (await (await tenant.Admin.GetAsync("/api/v1/policy", Api.Ct)).JsonAsync()).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task VersionsAreRegisteredForKnownDeploymentsOnly()
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod", "restart");

        var created = await tenant.Ingest.PostAsJsonAsync("/api/v1/deployments/shop-prod/versions", new { version = "1.4.2", commit = "9f1c2ab" }, Api.Ct);
        var unknown = await tenant.Ingest.PostAsJsonAsync("/api/v1/deployments/nope/versions", new { version = "1.0.0" }, Api.Ct);
        var invalid = await tenant.Ingest.PostAsJsonAsync("/api/v1/deployments/shop-prod/versions", new { commit = "x" }, Api.Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("1.4.2", (await created.JsonAsync()).GetProperty("version").GetString());
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(invalid, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task TheLoopOverHttpWithEveryStatus()
    {
        var (tenant, action) = await IncidentAsync();
        var id = action.GetProperty("id").GetString();

        Assert.Equal("PendingApproval", action.GetProperty("state").GetString());
        Assert.True(action.GetProperty("evidence").TryGetProperty("fingerprint", out _));
        Assert.True(action.GetProperty("evidence").TryGetProperty("models", out _));

        await ProblemAssert.IsProblemAsync(await tenant.Ingest.PostAsJsonAsync($"/api/v1/actions/{id}/approve", new { comment = "x" }, Api.Ct), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await tenant.Ingest.PostAsJsonAsync($"/api/v1/actions/{id}/outcome", new { succeeded = true }, Api.Ct), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await tenant.Admin.PostAsync($"/api/v1/actions/{id}/approve", null, Api.Ct)).StatusCode);
        await ProblemAssert.IsProblemAsync(await tenant.Admin.PostAsJsonAsync($"/api/v1/actions/{id}/reject", new { comment = "late" }, Api.Ct), HttpStatusCode.Conflict);

        var queue = await (await tenant.Ingest.GetAsync("/api/v1/deployments/shop-prod/actions?state=approved", Api.Ct)).JsonAsync();
        Assert.Equal(id, Assert.Single(queue.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("Dispatched", (await (await tenant.Ingest.PostAsync($"/api/v1/actions/{id}/dispatched", null, Api.Ct)).JsonAsync()).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.OK, (await tenant.Ingest.PostAsync($"/api/v1/actions/{id}/dispatched", null, Api.Ct)).StatusCode);

        await ProblemAssert.IsProblemAsync(await tenant.Ingest.PostAsJsonAsync($"/api/v1/actions/{id}/outcome", new { detail = "no verdict" }, Api.Ct), HttpStatusCode.BadRequest);
        var done = await (await tenant.Ingest.PostAsJsonAsync($"/api/v1/actions/{id}/outcome", new { succeeded = false, detail = "still down" }, Api.Ct)).JsonAsync();
        Assert.Equal("Failed", done.GetProperty("state").GetString());
        Assert.False(done.GetProperty("outcome").GetProperty("succeeded").GetBoolean());
        await ProblemAssert.IsProblemAsync(await tenant.Ingest.PostAsJsonAsync($"/api/v1/actions/{id}/outcome", new { succeeded = true }, Api.Ct), HttpStatusCode.Conflict);

        var verify = await (await tenant.Admin.GetAsync("/api/v1/audit/verify", Api.Ct)).JsonAsync();
        Assert.True(verify.GetProperty("valid").GetBoolean());
        Assert.True(verify.GetProperty("records").GetInt64() >= 4);
    }

    [Fact]
    public async Task AnotherTenantsActionDoesNotExist()
    {
        var (_, action) = await IncidentAsync();
        var other = await host.NewTenantAsync();
        var id = action.GetProperty("id").GetString();

        await ProblemAssert.IsProblemAsync(await other.Admin.GetAsync($"/api/v1/actions/{id}", Api.Ct), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await other.Admin.PostAsync($"/api/v1/actions/{id}/approve", null, Api.Ct), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await other.Ingest.PostAsJsonAsync($"/api/v1/actions/{id}/outcome", new { succeeded = true }, Api.Ct), HttpStatusCode.NotFound);
        Assert.Equal(0, (await (await other.Admin.GetAsync("/api/v1/actions", Api.Ct)).JsonAsync()).GetArrayLength());
    }

    [Theory]
    [InlineData("/api/v1/actions?state=succeeded")]
    [InlineData("/api/v1/audit?from=0")]
    [InlineData("/api/v1/audit?limit=5000")]
    public async Task InvalidQueriesAreA400(string path)
    {
        var tenant = await host.NewTenantAsync();

        await ProblemAssert.IsProblemAsync(await tenant.Admin.GetAsync(path, Api.Ct), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task TheFingerprintShowsItsRecommendations()
    {
        var (tenant, action) = await IncidentAsync();

        var fingerprint = await (await tenant.Admin.GetAsync($"/api/v1/fingerprints/{action.GetProperty("fingerprint").GetString()}", Api.Ct)).JsonAsync();

        var recommendations = fingerprint.GetProperty("recommendations");
        Assert.Equal(2, recommendations.GetArrayLength());
        Assert.All(recommendations.EnumerateArray(), r =>
        {
            Assert.True(r.GetProperty("confidence").GetDouble() < r.GetProperty("mean").GetDouble());
            Assert.False(string.IsNullOrEmpty(r.GetProperty("reasoning").GetString()));
        });
    }
}
