using System.Net.Http.Headers;
using System.Text.Json;
using HealingGrains.Testing;

namespace HealingGrains.Silo.Tests;

/// <summary>Three real silo processes on Redis clustering and Azurite storage; one is killed and comes back.</summary>
public sealed class ClusterFailoverTests
{
    private const string OperatorKey = "cluster-operator-key-0123456789abcdef0123456789";

    [Fact]
    public async Task TheClusterSurvivesLosingASiloAndTheSiloRejoins()
    {
        await using var redis = await RedisServer.StartAsync();
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            var settings = new Dictionary<string, string>
            {
                ["HealingGrains__Storage__Provider"] = "AzureTable",
                ["HealingGrains__Storage__ConnectionString"] = azurite.ConnectionString,
                ["HealingGrains__Storage__TablePrefix"] = "c" + Guid.NewGuid().ToString("N")[..8],
                ["HealingGrains__Clustering__Provider"] = "Redis",
                ["HealingGrains__Clustering__ConnectionString"] = redis.ConnectionString,
                ["HealingGrains__Clustering__ClusterId"] = "failover-" + Guid.NewGuid().ToString("N")[..6],
                ["HealingGrains__Bootstrap__OperatorKey"] = OperatorKey,
            };
            await using var a = new SiloProcess(RedisServer.FreePort(), settings);
            await using var b = new SiloProcess(RedisServer.FreePort(), settings);
            await using var c = new SiloProcess(RedisServer.FreePort(), settings);
            foreach (var silo in new[] { a, b, c })
            {
                silo.Start();
            }

            foreach (var silo in new[] { a, b, c })
            {
                await silo.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(90));
            }

            // A tenant, a deployment and errors, all through silo A; their grains spread over the three silos.
            var created = await (await Client(a, OperatorKey).PostAsJsonAsync("/api/v1/tenants", new { id = "acme", name = "Acme" }, Api.Ct)).Content.ReadFromJsonAsync<JsonElement>(Api.Ct);
            var adminKey = created.GetProperty("adminKey").GetString()!;
            var ingestKey = created.GetProperty("ingestKey").GetString()!;
            (await Client(a, adminKey).PutDeploymentAsync("shop-prod", "restart")).EnsureSuccessStatusCode();
            for (var i = 0; i < 12; i++)
            {
                (await Client(a, ingestKey).SendErrorsAsync("shop-prod", $"Worker {i} lost its lease after {i * 7} ms")).EnsureSuccessStatusCode();
            }

            var before = await Client(a, adminKey).FingerprintsAsync("shop-prod", l => Api.OneWithCount(l, 12));
            Assert.True(Api.OneWithCount(before, 12), before.ToString());
            var fingerprint = before[0].GetProperty("id").GetString();

            // The proposal for the new fingerprint runs after the delivery that counted it; once its action is listed,
            // its audit record has been appended, and that is the record count the survivors must still verify.
            await Client(a, adminKey).PendingActionAsync();
            var auditBefore = await (await Client(a, adminKey).GetAsync("/api/v1/audit/verify", Api.Ct)).JsonAsync();

            await b.KillAsync();

            // The survivors keep answering; grains that lived on B come back on A or C from storage.
            var after = await EventuallyAsync(async () =>
                await (await Client(c, adminKey).GetAsync($"/api/v1/fingerprints/{fingerprint}", Api.Ct)).JsonAsync());
            Assert.Equal(12, after.GetProperty("count").GetInt64());
            var auditAfter = await EventuallyAsync(async () => await (await Client(a, adminKey).GetAsync("/api/v1/audit/verify", Api.Ct)).JsonAsync());
            Assert.True(auditAfter.GetProperty("valid").GetBoolean());
            Assert.Equal(auditBefore.GetProperty("records").GetInt64(), auditAfter.GetProperty("records").GetInt64());
            await SendUntilAcceptedAsync(Client(a, ingestKey), "Worker 99 lost its lease after 5 ms");
            var thirteen = await Client(c, adminKey).FingerprintsAsync("shop-prod", l => Api.OneWithCount(l, 13), TimeSpan.FromSeconds(60));
            Assert.True(Api.OneWithCount(thirteen, 13), thirteen.ToString());

            // B comes back and serves the same data.
            b.Start();
            await b.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(90));
            var onB = await EventuallyAsync(async () =>
                await (await Client(b, adminKey).GetAsync($"/api/v1/fingerprints/{fingerprint}", Api.Ct)).JsonAsync());
            Assert.Equal(13, onB.GetProperty("count").GetInt64());
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    private static HttpClient Client(SiloProcess silo, string key)
    {
        var client = new HttpClient { BaseAddress = silo.Address, Timeout = TimeSpan.FromSeconds(45) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    // Until membership declares the dead silo dead, a call to a grain that lived there is answered 503 with
    // Retry-After (nothing was accepted); a client retries after the delay it was given, as `hg send` does.
    private static async Task SendUntilAcceptedAsync(HttpClient ingest, string message)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            using var response = await ingest.SendErrorsAsync("shop-prod", message);
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable)
            {
                response.EnsureSuccessStatusCode();
                return;
            }

            var retryAfter = response.Headers.RetryAfter?.Delta;
            Assert.True(retryAfter is not null, "a 503 must say when to retry (Retry-After)");
            Assert.True(DateTime.UtcNow < deadline, "the surviving silos did not accept telemetry in time");
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(retryAfter.Value.TotalMilliseconds, 1000)), Api.Ct);
        }
    }

    // While the cluster notices the dead silo, a call may fail or time out once; it must succeed soon after.
    private static async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement>> read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            try
            {
                var value = await read();
                if (value.ValueKind == JsonValueKind.Object && !value.TryGetProperty("status", out _))
                {
                    return value;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "the surviving silos did not answer in time");
            await Task.Delay(50, Api.Ct);
        }
    }
}
