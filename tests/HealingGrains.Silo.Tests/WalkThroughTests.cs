
namespace HealingGrains.Silo.Tests;

/// <summary>The README's walk-through, step by step, as a new user runs it.</summary>
[Collection(HostCollection.Name)]
public sealed class WalkThroughTests(HostFixture host)
{
    [Fact]
    public async Task ThreeErrorsThatDifferOnlyInNumbersBecomeOneFingerprintWithCountThree()
    {
        // 1. Create a tenant.
        var id = "acme-" + Guid.NewGuid().ToString("N")[..8];
        var created = await host.Operator.PostAsJsonAsync("/api/v1/tenants", new { id, name = "Acme Inc." }, Api.Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var keys = await created.JsonAsync();
        var admin = host.Client(keys.GetProperty("adminKey").GetString());
        var ingest = host.Client(keys.GetProperty("ingestKey").GetString());

        // 2. Register a deployment.
        var deployment = await admin.PutDeploymentAsync("checkout-prod", "restart", "scale-out", "rollback-version");
        Assert.Equal(HttpStatusCode.OK, deployment.StatusCode);
        Assert.Equal(3, (await deployment.JsonAsync()).GetProperty("capabilities").GetArrayLength());

        // 3. Send three errors that differ only in numbers.
        foreach (var (ms, port) in new[] { (30000, 443), (12000, 8443), (45000, 443) })
        {
            var sent = await ingest.PostAsJsonAsync("/api/v1/telemetry", new
            {
                deployment = "checkout-prod",
                events = new[]
                {
                    new { kind = "error", timestamp = "2026-11-24T10:00:00Z", service = "checkout", message = $"Timeout after {ms} ms calling payments at 10.0.3.7:{port}" },
                },
            }, Api.Ct);
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
            Assert.Equal(1, (await sent.JsonAsync()).GetProperty("accepted").GetInt32());
        }

        // 4. See one fingerprint with count 3.
        var list = await admin.FingerprintsAsync("checkout-prod", l => Api.OneWithCount(l, 3));
        Assert.True(Api.OneWithCount(list, 3), list.ToString());

        // 5. Read it.
        var fingerprintId = list[0].GetProperty("id").GetString();
        var detail = await (await admin.GetAsync($"/api/v1/fingerprints/{fingerprintId}", Api.Ct)).JsonAsync();
        Assert.Equal("Timeout after <*> ms calling payments at <*>", detail.GetProperty("template").GetString());
        Assert.Equal(3, detail.GetProperty("count").GetInt64());
        Assert.Equal("checkout-prod", detail.GetProperty("deployments")[0].GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Array, detail.GetProperty("recommendations").ValueKind);
    }
}
