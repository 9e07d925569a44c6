using System.Text;

namespace HealingGrains.Silo.Tests;

[Collection(HostCollection.Name)]
public sealed class ModulesApiTests(HostFixture host)
{
    /// <summary>A module of one rule on <paramref name="category"/> and one test of it.</summary>
    private static string Manifest(
        string id = "acme.net", string version = "1.0.0", string platform = "^1.0.0", string kind = "restart", string category = "Network") => $$"""
        { "id": "{{id}}", "version": "{{version}}", "platform": "{{platform}}", "permissions": { "kinds": ["{{kind}}"] },
          "rules": [ { "id": "r", "match": { "category": "{{category}}" }, "propose": { "kind": "{{kind}}", "priority": 500 } } ],
          "tests": [ { "name": "t", "situation": { "category": "{{category}}" }, "expect": "{{kind}}" } ] }
        """;

    private static Task<HttpResponseMessage> PostModuleAsync(HttpClient admin, string manifest) =>
        admin.PostAsync("/api/v1/modules", new StringContent(manifest, Encoding.UTF8, "application/json"), Api.Ct);

    [Fact]
    public async Task IntegratesListsUninstallsAndRollsBackExactlyWithEveryStepAudited()
    {
        var tenant = await host.NewTenantAsync();
        (await tenant.Admin.PutDeploymentAsync("shop-prod", "restart", "scale-out")).EnsureSuccessStatusCode();

        var created = await PostModuleAsync(tenant.Admin, Manifest());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var report = await created.JsonAsync();
        Assert.True(report.GetProperty("installed").GetBoolean());
        Assert.Equal(["parse", "compatibility", "tests", "replay", "snapshot", "install"], report.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.Created, (await PostModuleAsync(tenant.Admin, Manifest(id: "acme.db", kind: "scale-out", category: "Database"))).StatusCode);
        var before = (await (await tenant.Admin.GetAsync("/api/v1/modules", Api.Ct)).JsonAsync()).GetProperty("installed").GetRawText();

        var removed = await tenant.Admin.DeleteAsync("/api/v1/modules/acme.db", Api.Ct);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(3, (await removed.JsonAsync()).GetProperty("snapshotId").GetInt32());

        var rolledBack = await tenant.Admin.PostAsync("/api/v1/modules/rollback", null, Api.Ct);
        Assert.Equal(HttpStatusCode.OK, rolledBack.StatusCode);
        var listed = await (await tenant.Admin.GetAsync("/api/v1/modules", Api.Ct)).JsonAsync();
        Assert.Equal(before, listed.GetProperty("installed").GetRawText());
        Assert.Equal([1, 2, 3], listed.GetProperty("snapshots").EnumerateArray().Select(s => s.GetProperty("id").GetInt32()));
        Assert.Equal(2, listed.GetProperty("attempts").GetArrayLength());

        var first = await tenant.Admin.PostAsJsonAsync("/api/v1/modules/rollback", new { snapshot = 1 }, Api.Ct);
        Assert.Equal(0, (await first.JsonAsync()).GetProperty("installed").GetArrayLength());

        await ProblemAssert.IsProblemAsync(await tenant.Admin.PostAsJsonAsync("/api/v1/modules/rollback", new { snapshot = 99 }, Api.Ct), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await tenant.Admin.DeleteAsync("/api/v1/modules/acme.missing", Api.Ct), HttpStatusCode.NotFound);
        var audit = await (await tenant.Admin.GetAsync("/api/v1/audit?limit=1000", Api.Ct)).JsonAsync();
        var events = audit.EnumerateArray().Where(r => r.GetProperty("subject").GetString()!.StartsWith("module/", StringComparison.Ordinal))
            .Select(r => r.GetProperty("event").GetString()).ToList();
        Assert.Equal(["module.integrated", "module.integrated", "module.uninstalled", "module.rolledback", "module.rolledback"], events);
    }

    [Fact]
    public async Task RefusesEveryIncompatibilityWith422AndItsReasonAndAnInvalidManifestWith400PerField()
    {
        var tenant = await host.NewTenantAsync();
        (await tenant.Admin.PutDeploymentAsync("shop-prod", "restart", "scale-out", "failover")).EnsureSuccessStatusCode();
        (await tenant.Admin.PutAsJsonAsync("/api/v1/policy", new { allowedKinds = new[] { "restart", "scale-out", "clear-cache" } }, Api.Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await PostModuleAsync(tenant.Admin, Manifest(version: "1.1.0"))).StatusCode);

        (string Manifest, string Reason)[] refusals =
        [
            (Manifest(id: "acme.future", platform: "^2.0.0", category: "Database"), "needs platform ^2.0.0"),
            (Manifest(id: "acme.failover", kind: "failover", category: "Database"), "Kind failover is not allowed by the tenant's policy"),
            (Manifest(id: "acme.cache", kind: "clear-cache", category: "Database"), "No deployment of the tenant can run kind clear-cache"),
            (Manifest(version: "1.0.0"), "only a higher version can replace it"),
            (Manifest(id: "other.net", kind: "scale-out"), "Rule r conflicts with rule r of acme.net"),
        ];
        foreach (var (manifest, reason) in refusals)
        {
            var problem = await ProblemAssert.IsProblemAsync(await PostModuleAsync(tenant.Admin, manifest), HttpStatusCode.UnprocessableEntity);
            Assert.Contains(problem.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains(reason, StringComparison.Ordinal));
            Assert.Equal("compatibility", problem.GetProperty("report").GetProperty("steps")[1].GetProperty("name").GetString());
        }

        var invalid = await ProblemAssert.IsProblemAsync(await PostModuleAsync(tenant.Admin, Manifest(id: "Bad Id", kind: "Restart!")), HttpStatusCode.BadRequest);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("id", out _));
        Assert.True(invalid.GetProperty("errors").TryGetProperty("permissions.kinds[0]", out _));
        await ProblemAssert.IsProblemAsync(await tenant.Admin.PostAsync("/api/v1/modules", new StringContent("id: x", Encoding.UTF8, "text/yaml"), Api.Ct), HttpStatusCode.UnsupportedMediaType);
        await ProblemAssert.IsProblemAsync(await PostModuleAsync(tenant.Admin, "[1]"), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await PostModuleAsync(tenant.Ingest, Manifest(id: "acme.other")), HttpStatusCode.Forbidden);

        var listed = await (await tenant.Admin.GetAsync("/api/v1/modules", Api.Ct)).JsonAsync();
        Assert.Equal("1.1.0", Assert.Single(listed.GetProperty("installed").EnumerateArray()).GetProperty("version").GetString());
        var other = await host.NewTenantAsync();
        Assert.Equal(0, (await (await other.Admin.GetAsync("/api/v1/modules", Api.Ct)).JsonAsync()).GetProperty("installed").GetArrayLength());
    }
}
