using System.Text;
using System.Text.Json;

namespace HealingGrains.Silo.Tests;

[Collection(HostCollection.Name)]
public sealed class FingerprintGroupingApiTests(HostFixture host)
{
    private const string Payment = "Payment gateway returned 503 after 17 ms for order 119";
    private const string Pool = "Connection pool exhausted: 100 of 100 connections in use";
    private const string Cache = "Cache node cache-7 did not answer within 250 ms";

    [Fact]
    public async Task AMergeMovesTheSourceIntoTheTargetAndLaterEventsFollowIt()
    {
        var tenant = await host.NewTenantAsync();
        var ids = await ThreeFingerprintsAsync(tenant);

        var response = await PostJsonAsync(tenant.Admin, $"/api/v1/fingerprints/{ids[Payment]}/merge", new { into = ids[Pool], reason = "one outage" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var target = await response.JsonAsync();
        Assert.Equal(ids[Pool], target.GetProperty("id").GetString());
        Assert.Equal(2, target.GetProperty("count").GetInt64());
        Assert.Equal(ids[Payment], Assert.Single(target.GetProperty("mergedFrom").EnumerateArray()).GetString());

        var list = await tenant.Admin.FingerprintsAsync("shop-prod", l => l.GetArrayLength() == 2);
        Assert.DoesNotContain(ids[Payment], list.EnumerateArray().Select(f => f.GetProperty("id").GetString()));
        Assert.Equal(2, list.EnumerateArray().Single(f => f.GetProperty("id").GetString() == ids[Pool]).GetProperty("count").GetInt64());
        var source = await (await tenant.Admin.GetAsync($"/api/v1/fingerprints/{ids[Payment]}", Api.Ct)).JsonAsync();
        Assert.Equal(ids[Pool], source.GetProperty("mergedInto").GetString());
        Assert.Equal(1, source.GetProperty("count").GetInt64());

        await tenant.Ingest.SendErrorsAsync("shop-prod", "Payment gateway returned 503 after 99 ms for order 693");
        list = await tenant.Admin.FingerprintsAsync("shop-prod", l => l.EnumerateArray().Any(f => f.GetProperty("count").GetInt64() == 3));
        var merged = list.EnumerateArray().Single(f => f.GetProperty("id").GetString() == ids[Pool]);
        Assert.Equal(3, merged.GetProperty("count").GetInt64());
        Assert.StartsWith("Connection pool exhausted", merged.GetProperty("template").GetString(), StringComparison.Ordinal);

        var grouping = await (await tenant.Admin.GetAsync("/api/v1/fingerprints/grouping", Api.Ct)).JsonAsync();
        var decision = Assert.Single(grouping.GetProperty("merges").EnumerateArray());
        Assert.Equal(ids[Payment], decision.GetProperty("fingerprint").GetString());
        Assert.Equal(ids[Pool], decision.GetProperty("into").GetString());
        Assert.Equal("admin:key", decision.GetProperty("by").GetString());
        Assert.Equal("one outage", decision.GetProperty("reason").GetString());
        Assert.Equal(0, grouping.GetProperty("splits").GetArrayLength());

        var audited = await AuditAsync(tenant, "fingerprint.merged");
        Assert.Equal($"fingerprint/{ids[Payment]}", audited.GetProperty("subject").GetString());
        Assert.Equal("admin:key", audited.GetProperty("actor").GetString());
        Assert.Contains("one outage", audited.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(ids[Pool], audited.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MergingAgainIntoOrOutOfAMergedFingerprintOrSplittingItIsAConflict()
    {
        var tenant = await host.NewTenantAsync();
        var ids = await ThreeFingerprintsAsync(tenant);
        (await PostJsonAsync(tenant.Admin, $"/api/v1/fingerprints/{ids[Payment]}/merge", new { into = ids[Pool] })).EnsureSuccessStatusCode();

        await ProblemAssert.IsProblemAsync(
            await PostJsonAsync(tenant.Admin, $"/api/v1/fingerprints/{ids[Payment]}/merge", new { into = ids[Cache] }), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(
            await PostJsonAsync(tenant.Admin, $"/api/v1/fingerprints/{ids[Cache]}/merge", new { into = ids[Payment] }), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(
            await PostJsonAsync(tenant.Admin, $"/api/v1/fingerprints/{ids[Pool]}/merge", new { into = ids[Payment] }), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(
            await PostJsonAsync(tenant.Admin, $"/api/v1/fingerprints/{ids[Payment]}/split", new { template = "Payment gateway returned <*>" }), HttpStatusCode.Conflict);
        var grouping = await (await tenant.Admin.GetAsync("/api/v1/fingerprints/grouping", Api.Ct)).JsonAsync();
        Assert.Equal(1, grouping.GetProperty("merges").GetArrayLength());
        Assert.Equal(0, grouping.GetProperty("splits").GetArrayLength());
    }

    [Fact]
    public async Task ASplitCreatesTheNewFingerprintAtOnceAndMatchingEventsLandOnIt()
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod", "restart");
        await tenant.Ingest.SendErrorsAsync("shop-prod", "Disk full on node alpha after 12 writes", "Disk full on node beta after 3 writes");
        var source = (await tenant.Admin.FingerprintsAsync("shop-prod", l => Api.OneWithCount(l, 2)))[0];
        var sourceId = source.GetProperty("id").GetString()!;

        var response = await PostJsonAsync(tenant.Admin, $"/api/v1/fingerprints/{sourceId}/split",
            new { template = "Disk full on node alpha  after <*> writes", reason = "alpha's disk is another bug" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var split = await response.JsonAsync();
        var splitId = split.GetProperty("id").GetString()!;
        Assert.Equal($"/api/v1/fingerprints/{splitId}", response.Headers.Location?.OriginalString);
        Assert.Equal(0, split.GetProperty("count").GetInt64());
        Assert.Equal(JsonValueKind.Null, split.GetProperty("firstSeen").ValueKind);
        Assert.Equal(JsonValueKind.Null, split.GetProperty("lastSeen").ValueKind);
        Assert.Equal(sourceId, split.GetProperty("splitFrom").GetString());
        Assert.Equal("Disk full on node alpha after <*> writes", split.GetProperty("template").GetString());
        var all = await (await tenant.Admin.GetAsync("/api/v1/fingerprints", Api.Ct)).JsonAsync();
        Assert.Contains(splitId, all.EnumerateArray().Select(f => f.GetProperty("id").GetString()));

        await tenant.Ingest.SendErrorsAsync("shop-prod", "Disk full on node alpha after 5 writes", "Disk full on node beta after 9 writes");

        var list = await tenant.Admin.FingerprintsAsync("shop-prod", l => l.GetArrayLength() == 2 && l[0].GetProperty("count").GetInt64() == 3);
        var byId = list.EnumerateArray().ToDictionary(f => f.GetProperty("id").GetString()!, f => f.GetProperty("count").GetInt64());
        Assert.Equal(3, byId[sourceId]);
        Assert.Equal(1, byId[splitId]);
        var landed = await (await tenant.Admin.GetAsync($"/api/v1/fingerprints/{splitId}", Api.Ct)).JsonAsync();
        Assert.Equal(sourceId, landed.GetProperty("splitFrom").GetString());
        Assert.Equal("Disk full on node alpha after <*> writes", landed.GetProperty("template").GetString());

        await ProblemAssert.IsProblemAsync(
            await PostJsonAsync(tenant.Admin, $"/api/v1/fingerprints/{sourceId}/split", new { template = "Disk full on node alpha after <*> writes" }),
            HttpStatusCode.Conflict);
        var grouping = await (await tenant.Admin.GetAsync("/api/v1/fingerprints/grouping", Api.Ct)).JsonAsync();
        var decision = Assert.Single(grouping.GetProperty("splits").EnumerateArray());
        Assert.Equal(splitId, decision.GetProperty("into").GetString());
        Assert.Equal("alpha's disk is another bug", decision.GetProperty("reason").GetString());
        var audited = await AuditAsync(tenant, "fingerprint.split");
        Assert.Equal($"fingerprint/{sourceId}", audited.GetProperty("subject").GetString());
        Assert.Contains("alpha's disk is another bug", audited.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidMergeAndSplitRequestsAre400NamingTheFieldAndDecideNothing()
    {
        var tenant = await host.NewTenantAsync();
        var ids = await ThreeFingerprintsAsync(tenant);
        var id = ids[Payment];
        var tooLong = new string('x', 1001);
        (string Path, string Body, string Field)[] cases =
        [
            ("merge", "{}", "into"),
            ("merge", """{"into": "not-a-fingerprint"}""", "into"),
            ("merge", $$"""{"into": "{{id}}"}""", "into"),
            ("merge", $$"""{"into": "{{ids[Pool]}}", "reason": "{{tooLong}}"}""", "reason"),
            ("merge", """{"into": 17}""", "$.into"),
            ("merge", """{"into": """, "$.into"),
            ("merge", "[]", "$"),
            ("split", "{}", "template"),
            ("split", """{"template": "   "}""", "template"),
            ("split", """{"template": "<*> <*>"}""", "template"),
            ("split", $$"""{"template": "Payment {{tooLong}}"}""", "template"),
            ("split", $$"""{"template": "Payment <*>", "reason": "{{tooLong}}"}""", "reason"),
            ("split", """{"template": ["Payment"]}""", "$.template"),
            ("split", """{"template": "Payment <*>", "reason": false}""", "$.reason"),
        ];

        foreach (var (path, body, field) in cases)
        {
            var response = await tenant.Admin.PostAsync(
                $"/api/v1/fingerprints/{id}/{path}", new StringContent(body, Encoding.UTF8, "application/json"), Api.Ct);
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{path} {body[..Math.Min(body.Length, 40)]}: {problem}");
        }

        var text = await tenant.Admin.PostAsync($"/api/v1/fingerprints/{id}/merge", new StringContent("into", Encoding.UTF8, "text/plain"), Api.Ct);
        await ProblemAssert.IsProblemAsync(text, HttpStatusCode.UnsupportedMediaType);
        var grouping = await (await tenant.Admin.GetAsync("/api/v1/fingerprints/grouping", Api.Ct)).JsonAsync();
        Assert.Equal(0, grouping.GetProperty("merges").GetArrayLength());
        Assert.Equal(0, grouping.GetProperty("splits").GetArrayLength());
    }

    [Fact]
    public async Task UnknownFingerprintsAndAnotherTenantsAre404()
    {
        var a = await host.NewTenantAsync();
        var b = await host.NewTenantAsync();
        var mine = await ThreeFingerprintsAsync(a);

        // The same message in two tenants gets the same id (ids derive from templates): B's must differ from A's.
        await b.Admin.PutDeploymentAsync("shop-prod", "restart");
        await b.Ingest.SendErrorsAsync("shop-prod", "Invoice 9 could not be rendered");
        var theirs = (await b.Admin.FingerprintsAsync("shop-prod", l => Api.OneWithCount(l, 1)))[0].GetProperty("id").GetString();

        await ProblemAssert.IsProblemAsync(
            await PostJsonAsync(b.Admin, $"/api/v1/fingerprints/{theirs}/merge", new { into = mine[Pool] }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(
            await PostJsonAsync(b.Admin, $"/api/v1/fingerprints/{mine[Payment]}/merge", new { into = theirs }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(
            await PostJsonAsync(b.Admin, $"/api/v1/fingerprints/{mine[Payment]}/split", new { template = "Payment gateway <*>" }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(
            await PostJsonAsync(a.Admin, "/api/v1/fingerprints/0123456789abcdef/merge", new { into = mine[Pool] }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(
            await PostJsonAsync(a.Admin, "/api/v1/fingerprints/not-an-id/split", new { template = "Payment <*>" }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(
            await PostJsonAsync(a.Ingest, $"/api/v1/fingerprints/{mine[Payment]}/merge", new { into = mine[Pool] }), HttpStatusCode.Forbidden);

        foreach (var tenant in new[] { a, b })
        {
            var grouping = await (await tenant.Admin.GetAsync("/api/v1/fingerprints/grouping", Api.Ct)).JsonAsync();
            Assert.Equal(0, grouping.GetProperty("merges").GetArrayLength());
            Assert.Equal(0, grouping.GetProperty("splits").GetArrayLength());
        }

        var untouched = await (await a.Admin.GetAsync($"/api/v1/fingerprints/{mine[Payment]}", Api.Ct)).JsonAsync();
        Assert.Equal(JsonValueKind.Null, untouched.GetProperty("mergedInto").ValueKind);
    }

    private static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body, Api.Ct);

    /// <summary>A deployment with three fingerprints, one occurrence each: their ids by message.</summary>
    private static async Task<Dictionary<string, string>> ThreeFingerprintsAsync(HostFixture.Tenant tenant)
    {
        await tenant.Admin.PutDeploymentAsync("shop-prod", "restart");
        await tenant.Ingest.SendErrorsAsync("shop-prod", Payment, Pool, Cache);
        var list = await tenant.Admin.FingerprintsAsync("shop-prod", l => l.GetArrayLength() == 3);
        Assert.Equal(3, list.GetArrayLength());
        return new[] { Payment, Pool, Cache }.ToDictionary(
            m => m,
            m => list.EnumerateArray().Single(f => f.GetProperty("template").GetString()!.StartsWith(m[..10], StringComparison.Ordinal)).GetProperty("id").GetString()!);
    }

    private static async Task<JsonElement> AuditAsync(HostFixture.Tenant tenant, string @event)
    {
        var audit = await (await tenant.Admin.GetAsync("/api/v1/audit?limit=1000", Api.Ct)).JsonAsync();
        return Assert.Single(audit.EnumerateArray(), r => r.GetProperty("event").GetString() == @event);
    }
}
