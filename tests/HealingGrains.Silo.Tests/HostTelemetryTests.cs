using HealingGrains.Silo.Hosting;

namespace HealingGrains.Silo.Tests;

/// <summary>The host's own traces, metrics and logs, exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set.</summary>
public sealed class HostTelemetryTests
{
    private static readonly Dictionary<string, string?> FastExport = new()
    {
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
    };

    [Fact]
    public async Task TheHostsSpansAndMetricsArriveAtAnOtlpCollector()
    {
        await using var collector = await OtlpTestReceiver.StartAsync();
        await using var host = await EmbeddedHost.StartAsync(seed: 21, Api.Ct, settings: new Dictionary<string, string?>(FastExport)
        {
            [TelemetryHostingExtensions.EndpointSetting] = collector.Address.ToString(),
        });

        // Traffic that goes through ASP.NET Core, Orleans grain calls and the healing loop's own counters.
        var tenant = await TenantAsync(host, "self");
        var admin = Client(host, tenant.AdminKey);
        (await admin.PutDeploymentAsync("shop-prod", "restart")).EnsureSuccessStatusCode();
        (await Client(host, tenant.IngestKey).SendErrorsAsync("shop-prod", "Payment gateway returned 503 after 17 ms")).EnsureSuccessStatusCode();
        await admin.FingerprintsAsync("shop-prod", l => Api.OneWithCount(l, 1));

        // A request to the host's own OTLP receiver, which must not be traced (see below).
        var otlp = await Client(host, tenant.IngestKey).PostAsync(
            "/v1/logs", new StringContent("{\"resourceLogs\":[]}", System.Text.Encoding.UTF8, "application/json"), Api.Ct);
        Assert.Equal(HttpStatusCode.OK, otlp.StatusCode);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        bool Complete() =>
            collector.Spans.Any(s => s.Scope == "Microsoft.AspNetCore" && s.Name.Contains("/api/v1/telemetry", StringComparison.Ordinal))
            && collector.Spans.Any(s => s.Scope.StartsWith("Microsoft.Orleans", StringComparison.Ordinal))
            && collector.Metrics.Any(m => m.Scope == "HealingGrains" && m.Name == "healinggrains.events.ingested")
            && collector.Metrics.Any(m => m.Scope == "HealingGrains" && m.Name == "healinggrains.fingerprints.created")
            && collector.Metrics.Any(m => m.Scope == "HealingGrains" && m.Name == "healinggrains.stream.lag")
            && collector.Metrics.Any(m => m.Scope == "Microsoft.Orleans");
        while (!Complete() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Api.Ct);
        }

        Assert.True(Complete(), $"spans: {string.Join(", ", collector.Spans.Select(s => $"{s.Scope}/{s.Name}").Distinct().Take(40))}; metrics: {string.Join(", ", collector.Metrics.Select(m => $"{m.Scope}/{m.Name}").Distinct().Take(80))}");
        Assert.All(collector.Spans, s => Assert.Equal(TelemetryHostingExtensions.DefaultServiceName, s.Service));
        Assert.All(collector.ContentTypes, c => Assert.Equal("application/x-protobuf", c));

        // Requests to the OTLP receiver are not traced, so a host that sends to itself does not feed on its exports.
        Assert.DoesNotContain(collector.Spans, s => s.Name.StartsWith("POST /v1/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AHostSendsItsTelemetryToAnotherHostsPlatformTenantWhichHealsIt()
    {
        await using var platform = await EmbeddedHost.StartAsync(seed: 22, Api.Ct);
        var tenant = await TenantAsync(platform, "platform");
        var admin = Client(platform, tenant.AdminKey);
        (await admin.PutAsJsonAsync("/api/v1/deployments/healinggrains", new { service = "healinggrains", environment = "prod", capabilities = new[] { "restart" } }, Api.Ct))
            .EnsureSuccessStatusCode();

        await using (var host = await EmbeddedHost.StartAsync(seed: 23, Api.Ct, settings: new Dictionary<string, string?>(FastExport)
        {
            [TelemetryHostingExtensions.EndpointSetting] = platform.Address.ToString(),
            ["OTEL_EXPORTER_OTLP_HEADERS"] = $"Authorization=Bearer {tenant.IngestKey}",
        }))
        {
            // Something the host logs as an error, through its own logging pipeline.
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("HealingGrains.Silo.Tests.SelfHealing");
            try
            {
                throw new InvalidOperationException("Row store answered 500 for partition 42");
            }
            catch (InvalidOperationException ex)
            {
                logger.LogError(ex, "Writing grain state failed");
            }

            var found = await OtlpSdkTests.MetricsAsync(admin, "healinggrains", m =>
                m.EnumerateArray().Any(x => x.GetProperty("name").GetString() == "healinggrains.events.ingested" || x.GetProperty("name").GetString()!.StartsWith("orleans", StringComparison.Ordinal)));
            Assert.True(found.GetArrayLength() > 0, found.ToString());

            var fingerprints = await admin.FingerprintsAsync("healinggrains", l => l.EnumerateArray().Any(f => f.GetProperty("exceptionType").GetString() == "System.InvalidOperationException"), TimeSpan.FromSeconds(30));
            Assert.Contains(fingerprints.EnumerateArray(), f => f.GetProperty("exceptionType").GetString() == "System.InvalidOperationException");
        }
    }

    [Fact]
    public async Task AnEndpointThatIsNotAUrlStopsTheHostWithAMessage()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => EmbeddedHost.StartAsync(seed: 24, Api.Ct, settings: new Dictionary<string, string?>
        {
            [TelemetryHostingExtensions.EndpointSetting] = "collector:4318",
        }));
        Assert.Contains(TelemetryHostingExtensions.EndpointSetting, ex.Message, StringComparison.Ordinal);
    }

    private static HttpClient Client(EmbeddedHost host, string key)
    {
        var client = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<HostFixture.TenantBody> TenantAsync(EmbeddedHost host, string id)
    {
        var response = await Client(host, host.OperatorKey).PostAsJsonAsync("/api/v1/tenants", new { id, name = id }, Api.Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<HostFixture.TenantBody>(Api.Ct))!;
    }
}
