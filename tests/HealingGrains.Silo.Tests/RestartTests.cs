
namespace HealingGrains.Silo.Tests;

/// <summary>Stops the host and starts a new one on the same data folder.</summary>
public sealed class RestartTests
{
    private const string OperatorKey = "restart-operator-key-0123456789abcdef012345";

    [Fact]
    public async Task TenantsKeysAndFingerprintsSurviveARestart()
    {
        var data = HealingHost.NewDataDirectory();
        string adminKey;
        string ingestKey;
        string fingerprintId;

        await using (var first = new HealingHost(data, OperatorKey))
        {
            var created = await (await first.ClientWithKey(OperatorKey).PostAsJsonAsync("/api/v1/tenants", new { id = "acme", name = "Acme" }, Api.Ct)).JsonAsync();
            adminKey = created.GetProperty("adminKey").GetString()!;
            ingestKey = created.GetProperty("ingestKey").GetString()!;
            var admin = first.ClientWithKey(adminKey);
            await admin.PutDeploymentAsync("shop-prod", "restart");
            await first.ClientWithKey(ingestKey).SendErrorsAsync("shop-prod",
                "Lock 17 held for 3000 ms by worker alpha", "Lock 4 held for 120 ms by worker beta", "Lock 9 held for 5 ms by worker delta");
            var list = await admin.FingerprintsAsync("shop-prod", l => Api.OneWithCount(l, 3));
            Assert.True(Api.OneWithCount(list, 3));
            fingerprintId = list[0].GetProperty("id").GetString()!;
        }

        await using var second = new HealingHost(data, OperatorKey);
        var adminAgain = second.ClientWithKey(adminKey);

        Assert.Equal(HttpStatusCode.Conflict,
            (await second.ClientWithKey(OperatorKey).PostAsJsonAsync("/api/v1/tenants", new { id = "acme", name = "Acme" }, Api.Ct)).StatusCode);
        var detail = await (await adminAgain.GetAsync($"/api/v1/fingerprints/{fingerprintId}", Api.Ct)).JsonAsync();
        Assert.Equal(3, detail.GetProperty("count").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await adminAgain.GetAsync("/api/v1/deployments/shop-prod", Api.Ct)).StatusCode);

        // The miner's clusters survived too: the same error after the restart joins the same fingerprint. (A new
        // miner would found a new cluster for it, with another id: "gamma" is a word, not a masked value.)
        Assert.Equal(HttpStatusCode.Accepted,
            (await second.ClientWithKey(ingestKey).SendErrorsAsync("shop-prod", "Lock 23 held for 77 ms by worker gamma")).StatusCode);
        var after = await adminAgain.FingerprintsAsync("shop-prod", l => Api.OneWithCount(l, 4));
        Assert.True(Api.OneWithCount(after, 4), after.ToString());
        Assert.Equal(fingerprintId, after[0].GetProperty("id").GetString());
    }
}
