using System.Diagnostics.Metrics;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace HealingGrains.Silo.Tests;

/// <summary>The real OpenTelemetry .NET SDK and its OTLP exporter (http/protobuf) against a running host.</summary>
[Collection(OtlpHostCollection.Name)]
public sealed class OtlpSdkTests(OtlpHostFixture fixture)
{
    [Fact]
    public async Task ExceptionsLoggedThroughILoggerBecomeFingerprints()
    {
        var tenant = await fixture.NewTenantAsync();
        await RegisterAsync(tenant.Admin, "checkout-prod", "checkout", "prod");

        using (var loggers = LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(Resource("checkout", "1.4.2", "prod"));
            o.AddOtlpExporter(e => Exporter(e, "/v1/logs", tenant.IngestKey));
        })))
        {
            var logger = loggers.CreateLogger("Checkout.Payments");
            foreach (var order in new[] { 17, 2301, 99 })
            {
                try
                {
                    PaymentClient.Charge(order);
                }
                catch (TimeoutException ex)
                {
                    logger.LogError(ex, "Charging order {Order} failed", order);
                }
            }

            logger.LogInformation("Checkout started");
            logger.LogWarning("Slow response from {Service}", "inventory");
        }

        var list = await tenant.Admin.FingerprintsAsync("checkout-prod", l => Api.OneWithCount(l, 3), TimeSpan.FromSeconds(30));
        Assert.True(Api.OneWithCount(list, 3), list.ToString());
        var fingerprint = list[0];
        Assert.Equal("System.TimeoutException", fingerprint.GetProperty("exceptionType").GetString());
        Assert.Equal("stack", fingerprint.GetProperty("source").GetString(), ignoreCase: true);
        Assert.Equal("1.4.2", fingerprint.GetProperty("lastVersion").GetString());
        Assert.Contains("checkout-prod", fingerprint.GetProperty("deployments").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public async Task GaugesCountersAndHistogramsBecomeDeploymentMetricPoints()
    {
        var tenant = await fixture.NewTenantAsync();
        await RegisterAsync(tenant.Admin, "orders-staging", "orders", "staging");
        var meterName = "Orders.Test." + Guid.NewGuid().ToString("N");
        using var meter = new Meter(meterName);
        var memory = 0.42;
        meter.CreateObservableGauge("memory.utilization", () => memory);
        var processed = meter.CreateCounter<long>("orders.processed");
        var duration = meter.CreateHistogram<double>("request.duration", "ms");

        using (var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(Resource("orders", "2.0.0", "staging"))
            .AddMeter(meterName)
            .AddOtlpExporter((e, reader) =>
            {
                Exporter(e, "/v1/metrics", tenant.IngestKey);

                // Exports happen when the test flushes; the periodic timer only backs it up.
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000;
            })
            .Build())
        {
            processed.Add(5);
            duration.Record(10);
            duration.Record(20);
            Assert.True(metrics.ForceFlush(10_000));
            await Task.Delay(1100, Api.Ct); // a cumulative counter's next point must be later than its previous one
            memory = 0.57;
            processed.Add(7);
            duration.Record(60);
            Assert.True(metrics.ForceFlush(10_000));
        }

        var found = await MetricsAsync(tenant.Admin, "orders-staging", m =>
            Latest(m, "memory.utilization") == 0.57 && Count(m, "orders.processed") >= 3 && Count(m, "request.duration") >= 2);
        Assert.Equal(0.57, Latest(found, "memory.utilization"));

        // The histogram's second point is the mean of what was recorded since the first: 60 ms.
        Assert.Equal(60, Latest(found, "request.duration")!.Value, 6);

        // The counter's points are rates: 7 more over the second or so between the two flushes; the provider's last
        // export, when it is disposed, adds nothing and so a rate of 0 (its third point, waited for above: it is
        // processed after the flushes' points, asynchronously).
        var points = (await (await tenant.Admin.GetAsync("/api/v1/deployments/orders-staging/metrics/orders.processed", Api.Ct)).JsonAsync())
            .GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()).ToList();
        Assert.Contains(points, rate => rate is > 0.5 and < 7.0 / 1.1 + 0.01);
        Assert.Equal(0, points[^1]);
        Assert.Equal("memory", found.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "memory.utilization").GetProperty("class").GetString());
    }

    internal static async Task RegisterAsync(HttpClient admin, string deployment, string service, string environment)
    {
        var response = await admin.PutAsJsonAsync($"/api/v1/deployments/{deployment}", new { service, environment, capabilities = new[] { "restart", "scale-out" } }, Api.Ct);
        response.EnsureSuccessStatusCode();
    }

    internal static ResourceBuilder Resource(string service, string version, string environment) =>
        ResourceBuilder.CreateEmpty()
            .AddService(service, serviceVersion: version)
            .AddAttributes([new KeyValuePair<string, object>("deployment.environment", environment), new KeyValuePair<string, object>("host.name", "vm-12")]);

    internal static async Task<JsonElement> MetricsAsync(HttpClient admin, string deployment, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var response = await admin.GetAsync($"/api/v1/deployments/{deployment}/metrics", Api.Ct);
            var list = await response.JsonAsync();
            if ((response.IsSuccessStatusCode && done(list)) || DateTime.UtcNow > deadline)
            {
                return list;
            }

            await Task.Delay(50, Api.Ct);
        }
    }

    internal static double? Latest(JsonElement metrics, string name) =>
        metrics.ValueKind != JsonValueKind.Array
            ? null
            : metrics.EnumerateArray()
                .Where(m => m.GetProperty("name").GetString() == name && m.GetProperty("latest").ValueKind == JsonValueKind.Object)
                .Select(m => (double?)m.GetProperty("latest").GetProperty("value").GetDouble())
                .FirstOrDefault();

    private static int Count(JsonElement metrics, string name) =>
        metrics.ValueKind != JsonValueKind.Array
            ? 0
            : metrics.EnumerateArray().Where(m => m.GetProperty("name").GetString() == name).Select(m => m.GetProperty("count").GetInt32()).FirstOrDefault();

    private void Exporter(OtlpExporterOptions options, string path, string key)
    {
        options.Protocol = OtlpExportProtocol.HttpProtobuf;
        options.Endpoint = new Uri(fixture.Address, path);
        options.Headers = $"Authorization=Bearer {key}";
    }

    private static class PaymentClient
    {
        public static void Charge(int order) =>
            throw new TimeoutException($"Timeout after {order * 10} ms calling payments at 10.0.3.{order % 250}:443");
    }
}
