using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealingGrains.Core.Federation;

namespace HealingGrains.Silo.Tests;

/// <summary>
/// Two installations that share the platform key: A's tenants share, A exports a signed bundle, B (which trusts A's
/// key) imports it, and B's consuming tenant gets A's knowledge in its proposal. Federation is installation-wide, so
/// these tests have their own hosts.
/// </summary>
public sealed class FederationApiTests(FederationApiTests.Installations installations) : IClassFixture<FederationApiTests.Installations>
{
    [Fact]
    public async Task AnExportedBundleIsVerifiedMergedOnceAndReachesAConsumingTenantOfTheOtherInstallation()
    {
        // Three organisations on A share the outcomes of one error their own software prints with their own names.
        var tenants = new List<string>();
        foreach (var org in new[] { "orion", "vega", "lyra" })
        {
            var tenant = await installations.NewTenantAsync(installations.A, "share");
            tenants.Add(tenant.Id);
            for (var i = 0; i < 2; i++)
            {
                await HealAsync(tenant, org, succeeded: true);
            }
        }

        var overview = await installations.A.Operator.GetAsync("/api/v1/federation", Api.Ct);
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        var text = await overview.Content.ReadAsStringAsync(Api.Ct);
        var a = JsonDocument.Parse(text).RootElement;
        Assert.Equal("installation-a", a.GetProperty("issuer").GetString());
        Assert.Equal(installations.PublicKeyA, a.GetProperty("publicKey").GetString());
        Assert.Equal(3, a.GetProperty("minimumContributors").GetInt32());
        Assert.True(a.GetProperty("visiblePatterns").GetInt32() >= 1, text);
        Assert.Equal(6, a.GetProperty("outcomes").GetInt64());
        Assert.All(tenants, t => Assert.DoesNotContain(t, text, StringComparison.Ordinal));

        var export = await installations.A.Operator.GetAsync("/api/v1/federation/export", Api.Ct);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/json", export.Content.Headers.ContentType?.MediaType);
        var json = await export.Content.ReadAsStringAsync(Api.Ct);
        var bundle = FederationBundle.Parse(json);
        Assert.Null(bundle.Refusal([installations.PublicKeyA], 3));
        var pattern = Assert.Single(bundle.Patterns);
        Assert.Equal(("restart", 3), (pattern.Kind, pattern.Contributors));
        Assert.All(tenants, t => Assert.DoesNotContain(t, json, StringComparison.Ordinal));

        var imported = await installations.B.Operator.PostAsync("/api/v1/federation/import", Json(json), Api.Ct);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var result = await imported.JsonAsync();
        Assert.Equal(("installation-a", 1), (result.GetProperty("issuer").GetString(), result.GetProperty("patterns").GetInt32()));

        var again = await ProblemAssert.IsProblemAsync(
            await installations.B.Operator.PostAsync("/api/v1/federation/import", Json(json), Api.Ct), HttpStatusCode.Conflict);
        Assert.Contains("already imported", again.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var b = await (await installations.B.Operator.GetAsync("/api/v1/federation", Api.Ct)).JsonAsync();
        var import = Assert.Single(b.GetProperty("imports").EnumerateArray());
        Assert.Equal(("installation-a", 1), (import.GetProperty("issuer").GetString(), import.GetProperty("patterns").GetInt32()));
        Assert.Equal(0, b.GetProperty("patterns").GetInt32());

        // A tenant of B that consumes meets the same error for the first time: A's organisations are in its evidence.
        var consumer = await installations.NewTenantAsync(installations.B, "consume");
        var action = await IncidentAsync(consumer, "sirius");
        var federated = action.GetProperty("evidence").GetProperty("federated");
        Assert.Equal(3, federated.GetProperty("organisations").GetInt32());
        Assert.InRange(federated.GetProperty("successes").GetDouble() + federated.GetProperty("failures").GetDouble(), 0.1, 10);
        Assert.InRange(federated.GetProperty("successRate").GetDouble(), 0, 1);
        Assert.Contains("across at least 3 organisations: restart worked", action.GetProperty("reasoning").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BundlesThatWereChangedAreUntrustedBelowTheThresholdOwnOrMalformedAreRefusedWithTheReason()
    {
        var own = await (await installations.A.Operator.GetAsync("/api/v1/federation/export", Api.Ct)).Content.ReadAsStringAsync(Api.Ct);
        var signature = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        FederatedPattern[] patterns = [new(signature, "restart", 4, 60, 0.8)];

        using var keyA = ECDsa.Create();
        keyA.ImportFromPem(installations.SigningKeyA);
        var valid = FederationBundle.Sign("installation-a", DateTimeOffset.UtcNow.AddDays(-1), 3, patterns, keyA).ToJson();
        var changed = JsonNode.Parse(valid)!;
        changed["patterns"]![0]!["successRate"] = 0.99;
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        await RefusedAsync(installations.B, changed.ToJsonString(), "signature", "does not verify");
        await RefusedAsync(installations.B, FederationBundle.Sign("mallory", DateTimeOffset.UtcNow, 3, patterns, stranger).ToJson(), "untrusted", "does not trust");
        await RefusedAsync(installations.B, FederationBundle.Sign("installation-a", DateTimeOffset.UtcNow, 2, [patterns[0] with { Contributors = 2 }], keyA).ToJson(),
            "below-threshold", "requires 3");
        await RefusedAsync(installations.A, own, "own", "own export");
        await RefusedAsync(installations.B, "{ not json", "malformed", "Not a federation bundle");
        await RefusedAsync(installations.B, """{"format": 1}""", "malformed", "Not a federation bundle");
        await RefusedAsync(installations.B, FederationBundle.Sign("installation-a", DateTimeOffset.UtcNow, 3, [patterns[0] with { Kind = "restart-acme" }], keyA).ToJson(),
            "malformed", "kind must be one of");

        await ProblemAssert.IsProblemAsync(
            await installations.B.Operator.PostAsync("/api/v1/federation/import", new StringContent(valid, Encoding.UTF8, "text/plain"), Api.Ct),
            HttpStatusCode.UnsupportedMediaType);
        await ProblemAssert.IsProblemAsync(
            await installations.B.Operator.PostAsync("/api/v1/federation/import", Json(valid + new string(' ', Installations.MaxBundleBytesB)), Api.Ct),
            HttpStatusCode.RequestEntityTooLarge);

        // Nothing refused was merged.
        var b = await (await installations.B.Operator.GetAsync("/api/v1/federation", Api.Ct)).JsonAsync();
        Assert.DoesNotContain(b.GetProperty("imports").EnumerateArray(), i => i.GetProperty("issuer").GetString() == "mallory");
    }

    [Fact]
    public async Task OnlyTheOperatorReachesFederation()
    {
        var tenant = await installations.NewTenantAsync(installations.A, "both");

        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.Admin.GetAsync("/api/v1/federation", Api.Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.Admin.GetAsync("/api/v1/federation/export", Api.Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.Admin.PostAsync("/api/v1/federation/import", Json("{}"), Api.Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await installations.A.Host.ClientWithKey(null).GetAsync("/api/v1/federation", Api.Ct)).StatusCode);
    }

    private static async Task RefusedAsync(Installation installation, string json, string reason, string detail)
    {
        var problem = await ProblemAssert.IsProblemAsync(
            await installation.Operator.PostAsync("/api/v1/federation/import", Json(json), Api.Ct), HttpStatusCode.BadRequest);
        Assert.Equal(reason, problem.GetProperty("reason").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("bundle", out _));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    // One error as the organisation's own software prints it: its service and host names differ, the template does not.
    private static async Task<JsonElement> IncidentAsync(HostFixture.Tenant tenant, string org)
    {
        var sent = await tenant.Ingest.PostAsJsonAsync("/api/v1/telemetry", new
        {
            deployment = "ledger-prod",
            events = new[]
            {
                new
                {
                    kind = "error", service = $"{org}ledger", exceptionType = "System.TimeoutException",
                    message = $"Ledger sync in {org}ledger timed out after 30000 ms talking to db-{Random.Shared.Next(9)}.{org}.internal",
                    attributes = new Dictionary<string, string> { ["host"] = $"vm-{org}-1" },
                },
            },
        }, Api.Ct);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var list = await (await tenant.Admin.GetAsync("/api/v1/actions?state=pending-approval", Api.Ct)).JsonAsync();
            if (list.GetArrayLength() > 0)
            {
                return list[0];
            }

            Assert.True(DateTime.UtcNow < deadline, "no action was proposed");
            await Task.Delay(20, Api.Ct);
        }
    }

    private static async Task HealAsync(HostFixture.Tenant tenant, string org, bool succeeded)
    {
        var id = (await IncidentAsync(tenant, org)).GetProperty("id").GetString();
        (await tenant.Admin.PostAsJsonAsync($"/api/v1/actions/{id}/approve", new { comment = "go" }, Api.Ct)).EnsureSuccessStatusCode();
        (await tenant.Ingest.PostAsJsonAsync($"/api/v1/actions/{id}/outcome", new { succeeded, detail = "done" }, Api.Ct)).EnsureSuccessStatusCode();
    }

    /// <summary>One installation: a host and its operator client.</summary>
    public sealed class Installation(HealingHost host)
    {
        public HealingHost Host { get; } = host;

        public HttpClient Operator { get; } = host.ClientWithKey(HostFixture.OperatorKey);
    }

    /// <summary>Installations A and B, sharing the platform key; B trusts A's signing key and accepts bundles up to 64 KiB.</summary>
    public sealed class Installations : IAsyncLifetime
    {
        public const int MaxBundleBytesB = 64 * 1024;

        private static readonly string PlatformKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        public Installations()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            SigningKeyA = key.ExportPkcs8PrivateKeyPem();
            PublicKeyA = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
            A = new Installation(new HealingHost(HealingHost.NewDataDirectory(), HostFixture.OperatorKey, new Dictionary<string, string?>
            {
                ["HealingGrains:Federation:Key"] = PlatformKey,
                ["HealingGrains:Federation:SigningKey"] = SigningKeyA,
                ["HealingGrains:Federation:Issuer"] = "installation-a",
            }));
            B = new Installation(new HealingHost(HealingHost.NewDataDirectory(), HostFixture.OperatorKey, new Dictionary<string, string?>
            {
                ["HealingGrains:Federation:Key"] = PlatformKey,
                ["HealingGrains:Federation:Issuer"] = "installation-b",
                ["HealingGrains:Federation:TrustedKeys:0"] = PublicKeyA,
                ["HealingGrains:Federation:MaxBundleBytes"] = MaxBundleBytesB.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }));
        }

        public string SigningKeyA { get; }

        public string PublicKeyA { get; }

        public Installation A { get; }

        public Installation B { get; }

        /// <summary>A tenant with a deployment that can restart, and the given federation policy.</summary>
        public async Task<HostFixture.Tenant> NewTenantAsync(Installation installation, string federation)
        {
            var id = "t-" + Guid.NewGuid().ToString("N")[..12];
            var created = await installation.Operator.PostAsJsonAsync("/api/v1/tenants", new { id, name = "Org " + id }, Api.Ct);
            created.EnsureSuccessStatusCode();
            var body = (await created.Content.ReadFromJsonAsync<HostFixture.TenantBody>(Api.Ct))!;
            var tenant = new HostFixture.Tenant(id, installation.Host.ClientWithKey(body.AdminKey), installation.Host.ClientWithKey(body.IngestKey), body.AdminKey, body.IngestKey);
            (await tenant.Admin.PutAsJsonAsync("/api/v1/policy", new { federation }, Api.Ct)).EnsureSuccessStatusCode();
            (await tenant.Admin.PutAsJsonAsync("/api/v1/deployments/ledger-prod", new { service = "ledger", environment = "prod", capabilities = new[] { "restart" } }, Api.Ct))
                .EnsureSuccessStatusCode();
            return tenant;
        }

        public ValueTask InitializeAsync()
        {
            _ = A.Host.Server;
            _ = B.Host.Server;
            return ValueTask.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            await A.Host.DisposeAsync();
            await B.Host.DisposeAsync();
        }
    }
}
