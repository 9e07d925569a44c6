using System.Text.Json;
using System.Text;

namespace HealingGrains.Silo.Tests;

[Collection(HostCollection.Name)]
public sealed class AdaptationsApiTests(HostFixture host)
{
    private const string Diff = """
        diff --git a/src/Orders/OrderStore.cs b/src/Orders/OrderStore.cs
        --- a/src/Orders/OrderStore.cs
        +++ b/src/Orders/OrderStore.cs
        @@ -10,3 +10,12 @@
             public async Task<Order?> LoadAsync(int id)
             {
        -        return await _db.Orders.FindAsync(id);
        +        for (var attempt = 1; ; attempt++)
        +        {
        +            try { return await _db.Orders.FindAsync(id); }
        +            catch (NpgsqlException) when (attempt < 4)
        +            {
        +                await Task.Delay(TimeSpan.FromMilliseconds(100 * Math.Pow(2, attempt)));
        +            }
        +        }
        +    }
        +}
        """;

    [Fact]
    public async Task AFixForAFingerprintReturnsItsBehavioursRejectionsAndFlagsAndBadRequestsGetProblems()
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod", "restart");
        await tenant.Ingest.SendErrorsAsync("shop-prod", "Npgsql: connection reset while reading order 7");
        var id = (await tenant.Admin.FingerprintsAsync("shop-prod", l => Api.OneWithCount(l, 1)))[0].GetProperty("id").GetString()!;

        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/adaptations", new { fingerprint = id, diff = Diff }, Api.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(id, body.GetProperty("fingerprint").GetString());
        Assert.Equal(["CatchAdded", "Retry", "Backoff"], body.GetProperty("patterns").EnumerateArray().Select(p => p.GetProperty("kind").GetString()));
        var rule = Assert.Single(body.GetProperty("behaviours").EnumerateArray());
        Assert.Equal("enable-retry", rule.GetProperty("kind").GetString());
        Assert.Equal("NpgsqlException", rule.GetProperty("exceptionType").GetString());
        Assert.Equal("exponential", rule.GetProperty("parameters").GetProperty("backoff").GetString());
        Assert.Equal(0, body.GetProperty("flags").GetArrayLength());

        // The draft module becomes one only when an admin sends it through integration: here refused, because no
        // deployment can run enable-retry; once one can, installed.
        var draft = body.GetProperty("module");
        var refused = await ProblemAssert.IsProblemAsync(await tenant.Admin.PostAsJsonAsync("/api/v1/modules", draft, Api.Ct), (HttpStatusCode)422);
        Assert.Contains("No deployment of the tenant can run kind enable-retry", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await tenant.Admin.PutDeploymentAsync("shop-prod", "restart", "enable-retry");
        var installed = await tenant.Admin.PostAsJsonAsync("/api/v1/modules", draft, Api.Ct);
        Assert.Equal(HttpStatusCode.Created, installed.StatusCode);
        Assert.StartsWith("fix.", (await installed.JsonAsync()).GetProperty("moduleId").GetString(), StringComparison.Ordinal);

        // The same fix given as files, with a process restart slipped in: flagged, and nothing is learned.
        var files = await tenant.Admin.PostAsJsonAsync("/api/v1/adaptations", new
        {
            fingerprint = id,
            files = new[] { new { path = "src/Ops.cs", before = "", after = "services.AddMemoryCache(); Process.Start(\"systemctl\", \"restart shop\");" } },
        }, Api.Ct);
        var flagged = await files.JsonAsync();
        Assert.Equal("ProcessStart", Assert.Single(flagged.GetProperty("flags").EnumerateArray()).GetProperty("flag").GetString());
        Assert.Equal(0, flagged.GetProperty("behaviours").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, flagged.GetProperty("module").ValueKind);
        Assert.Contains("ProcessStart", flagged.GetProperty("rejected")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);

        await ProblemAssert.IsProblemAsync(await tenant.Admin.PostAsJsonAsync("/api/v1/adaptations", new { fingerprint = "0123456789abcdef", diff = Diff }, Api.Ct), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await tenant.Admin.PostAsJsonAsync("/api/v1/adaptations", new { fingerprint = id }, Api.Ct), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await tenant.Admin.PostAsJsonAsync("/api/v1/adaptations", new { fingerprint = id, diff = Diff, files = Array.Empty<object>() }, Api.Ct), HttpStatusCode.BadRequest);
        var malformed = await ProblemAssert.IsProblemAsync(
            await tenant.Admin.PostAsJsonAsync("/api/v1/adaptations", new { fingerprint = id, diff = "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n*x\n" }, Api.Ct), HttpStatusCode.BadRequest);
        Assert.Contains("Not a unified diff", malformed.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(
            await tenant.Admin.PostAsync("/api/v1/adaptations", new StringContent("fingerprint=x", Encoding.UTF8, "text/plain"), Api.Ct), HttpStatusCode.UnsupportedMediaType);
        await ProblemAssert.IsProblemAsync(await tenant.Ingest.PostAsJsonAsync("/api/v1/adaptations", new { fingerprint = id, diff = Diff }, Api.Ct), HttpStatusCode.Forbidden);

        // Another tenant cannot analyse a fix against this tenant's fingerprint.
        var other = await host.NewTenantAsync();
        await ProblemAssert.IsProblemAsync(await other.Admin.PostAsJsonAsync("/api/v1/adaptations", new { fingerprint = id, diff = Diff }, Api.Ct), HttpStatusCode.NotFound);
    }
}
