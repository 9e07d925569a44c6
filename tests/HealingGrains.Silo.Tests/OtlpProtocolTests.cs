using System.IO.Compression;
using System.Net.Http.Headers;
using Google.Protobuf;
using HealingGrains.Silo.Otlp.Proto.Collector.Logs;
using HealingGrains.Silo.Otlp.Proto.Collector.Metrics;
using HealingGrains.Silo.Otlp.Proto.Collector.Trace;
using HealingGrains.Silo.Otlp.Proto.Common;
using HealingGrains.Silo.Otlp.Proto.Logs;
using HealingGrains.Silo.Otlp.Proto.Metrics;
using HealingGrains.Silo.Otlp.Proto.Resource;
using HealingGrains.Silo.Otlp.Proto.Trace;
using RpcStatus = HealingGrains.Silo.Otlp.Proto.Rpc.Status;

namespace HealingGrains.Silo.Tests;

/// <summary>OTLP/HTTP conformance of /v1/logs, /v1/metrics and /v1/traces: encodings, partial success, errors, limits, keys, mapping.</summary>
[Collection(OtlpHostCollection.Name)]
public sealed class OtlpProtocolTests(OtlpHostFixture fixture)
{
    private const string Protobuf = "application/x-protobuf";

    [Fact]
    public async Task JsonLogsWithHexIdsEnumNumbersAndStringIntegersBecomeErrors()
    {
        var tenant = await fixture.NewTenantAsync();
        await OtlpSdkTests.RegisterAsync(tenant.Admin, "pay-prod", "pay", "prod");
        var json = """
            {"resourceLogs":[{"resource":{"attributes":[
                {"key":"service.name","value":{"stringValue":"pay"}},
                {"key":"deployment.environment.name","value":{"stringValue":"prod"}}]},
              "scopeLogs":[{"scope":{"name":"pay"},"logRecords":[
                {"timeUnixNano":"NOW","severityNumber":17,"severityText":"Error",
                 "body":{"stringValue":"Card processor unreachable at 10.1.2.3:8443 after 3 attempts"},
                 "attributes":[{"key":"attempt","value":{"intValue":"3"}},{"key":"unknownShape","value":{"kvlistValue":{"values":[]}}}],
                 "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","futureField":true},
                {"severityNumber":"SEVERITY_NUMBER_INFO","body":{"stringValue":"all good"}}]}]}]}
            """.Replace("NOW", (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var response = await tenant.Ingest.PostAsync("/v1/logs", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Api.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = ExportLogsServiceResponse.Parser.ParseJson(await response.Content.ReadAsStringAsync(Api.Ct));
        Assert.Null(body.PartialSuccess);
        var list = await tenant.Admin.FingerprintsAsync("pay-prod", l => Api.OneWithCount(l, 1));
        Assert.True(Api.OneWithCount(list, 1), list.ToString());
        Assert.Contains("Card processor unreachable", list[0].GetProperty("template").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GzipProtobufLogsAreAnsweredInProtobufAndSpanExceptionsBecomeErrors()
    {
        var tenant = await fixture.NewTenantAsync();
        await OtlpSdkTests.RegisterAsync(tenant.Admin, "cart-prod", "cart", "prod");
        var logs = LogsRequest("cart", "prod", ErrorRecord("Cart lookup failed for user 17", "System.Collections.Generic.KeyNotFoundException"));
        var response = await PostAsync(tenant.Ingest, "/v1/logs", logs, gzip: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Protobuf, response.Content.Headers.ContentType?.MediaType);
        Assert.Null(ExportLogsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(Api.Ct)).PartialSuccess);

        var span = new Span { Name = "GET /cart", TraceId = ByteString.CopyFrom(new byte[16]), SpanId = ByteString.CopyFrom(new byte[8]) };
        span.Events.Add(new Span.Types.Event
        {
            Name = "exception",
            TimeUnixNano = Nanos(DateTimeOffset.UtcNow),
            Attributes = { Attribute("exception.type", "System.TimeoutException"), Attribute("exception.message", "Redis timeout after 5000 ms") },
        });
        var traces = new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = Resource("cart", "prod"), ScopeSpans = { new ScopeSpans { Spans = { span, new Span { Name = "fine" } } } } } } };
        var traced = await PostAsync(tenant.Ingest, "/v1/traces", traces);
        Assert.Equal(HttpStatusCode.OK, traced.StatusCode);
        Assert.Null(ExportTraceServiceResponse.Parser.ParseFrom(await traced.Content.ReadAsByteArrayAsync(Api.Ct)).PartialSuccess);

        var list = await tenant.Admin.FingerprintsAsync("cart-prod", l => l.GetArrayLength() == 2);
        Assert.Equal(
            ["System.Collections.Generic.KeyNotFoundException", "System.TimeoutException"],
            list.EnumerateArray().Select(f => f.GetProperty("exceptionType").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RecordsThatCannotBeTakenAreReportedAsPartialSuccess()
    {
        var tenant = await fixture.NewTenantAsync();
        await OtlpSdkTests.RegisterAsync(tenant.Admin, "api-prod", "api", "prod");
        var logs = LogsRequest("api", "prod", ErrorRecord("Upstream refused connection", null), new LogRecord { SeverityNumber = SeverityNumber.Error }, new LogRecord { SeverityText = "INFO", Body = new AnyValue { StringValue = "fine" } });
        logs.ResourceLogs.Add(LogsRequest("ghost", "prod", ErrorRecord("a", null), ErrorRecord("b", null)).ResourceLogs[0]);

        var response = await PostAsync(tenant.Ingest, "/v1/logs", logs);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var partial = ExportLogsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(Api.Ct)).PartialSuccess;
        Assert.Equal(3, partial.RejectedLogRecords);
        Assert.Contains("PUT /api/v1/deployments/ghost-prod", partial.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("needs a body", partial.ErrorMessage, StringComparison.Ordinal);
        Assert.True(Api.OneWithCount(await tenant.Admin.FingerprintsAsync("api-prod", l => Api.OneWithCount(l, 1)), 1));

        var metrics = MetricsRequest("api", "prod", Gauge("queue.depth", 12), Gauge("broken", double.NaN));
        var answered = await PostAsync(tenant.Ingest, "/v1/metrics", metrics);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var metricPartial = ExportMetricsServiceResponse.Parser.ParseFrom(await answered.Content.ReadAsByteArrayAsync(Api.Ct)).PartialSuccess;
        Assert.Equal(1, metricPartial.RejectedDataPoints);
        Assert.Contains("'broken'", metricPartial.ErrorMessage, StringComparison.Ordinal);
        var found = await OtlpSdkTests.MetricsAsync(tenant.Admin, "api-prod", m => OtlpSdkTests.Latest(m, "queue.depth") == 12);
        Assert.Equal(12, OtlpSdkTests.Latest(found, "queue.depth"));
    }

    [Fact]
    public async Task BadPayloadsAreAnsweredWithAnOtlpStatus()
    {
        var tenant = await fixture.NewTenantAsync();

        var garbage = await PostRawAsync(tenant.Ingest, "/v1/logs", [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01], Protobuf);
        await AssertStatusAsync(garbage, HttpStatusCode.BadRequest, Protobuf, 3);

        var json = await PostRawAsync(tenant.Ingest, "/v1/metrics", "{\"resourceMetrics\": ["u8.ToArray(), "application/json");
        await AssertStatusAsync(json, HttpStatusCode.BadRequest, "application/json", 3);

        var hex = await PostRawAsync(tenant.Ingest, "/v1/logs", """{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"not-hex"}]}]}]}"""u8.ToArray(), "application/json");
        var status = await AssertStatusAsync(hex, HttpStatusCode.BadRequest, "application/json", 3);
        Assert.Contains("hex", status.Message, StringComparison.Ordinal);

        var notGzip = await PostRawAsync(tenant.Ingest, "/v1/logs", [1, 2, 3, 4], Protobuf, "gzip");
        await AssertStatusAsync(notGzip, HttpStatusCode.BadRequest, Protobuf, 3);

        var text = await PostRawAsync(tenant.Ingest, "/v1/logs", "hello"u8.ToArray(), "text/plain");
        await AssertStatusAsync(text, HttpStatusCode.UnsupportedMediaType, "application/json", 3);

        var brotli = await PostRawAsync(tenant.Ingest, "/v1/logs", [1, 2, 3], Protobuf, "br");
        await AssertStatusAsync(brotli, HttpStatusCode.UnsupportedMediaType, Protobuf, 3);
    }

    [Fact]
    public async Task OversizedBodiesZipBombsAndTooManyRecordsAre413()
    {
        var tenant = await fixture.NewTenantAsync();

        var large = await PostRawAsync(tenant.Ingest, "/v1/logs", new byte[OtlpHostFixture.MaxRequestBytes + 1], Protobuf);
        await AssertStatusAsync(large, HttpStatusCode.RequestEntityTooLarge, Protobuf, 8);

        // Eight MiB of zeros compress to a few KiB; the receiver stops inflating at its limit.
        var bomb = Gzip(new byte[8 * 1024 * 1024]);
        Assert.True(bomb.Length < OtlpHostFixture.MaxRequestBytes);
        var inflated = await PostRawAsync(tenant.Ingest, "/v1/logs", bomb, Protobuf, "gzip");
        var status = await AssertStatusAsync(inflated, HttpStatusCode.RequestEntityTooLarge, Protobuf, 8);
        Assert.Contains("decompression", status.Message, StringComparison.Ordinal);

        var many = LogsRequest("x", null, [.. Enumerable.Range(0, OtlpHostFixture.MaxItems + 1).Select(_ => new LogRecord())]);
        await AssertStatusAsync(await PostAsync(tenant.Ingest, "/v1/logs", many), HttpStatusCode.RequestEntityTooLarge, Protobuf, 8);
    }

    [Fact]
    public async Task KeysAreCheckedWithOtlpStatusesAndEachTenantReachesOnlyItsOwnDeployments()
    {
        var tenant = await fixture.NewTenantAsync();
        await OtlpSdkTests.RegisterAsync(tenant.Admin, "web-prod", "web", "prod");
        var other = await fixture.NewTenantAsync();
        var logs = LogsRequest("web", "prod", ErrorRecord("Session store unavailable", null));

        var anonymous = await PostAsync(fixture.Client(null), "/v1/logs", logs);
        await AssertStatusAsync(anonymous, HttpStatusCode.Unauthorized, Protobuf, 16);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        await AssertStatusAsync(await PostAsync(fixture.Client("hg_nobody_" + new string('x', 43)), "/v1/logs", logs), HttpStatusCode.Unauthorized, Protobuf, 16);
        await AssertStatusAsync(await PostAsync(fixture.Client(fixture.Host.OperatorKey), "/v1/logs", logs), HttpStatusCode.Forbidden, Protobuf, 7);

        // The other tenant names this tenant's deployment: it does not exist for it.
        var foreign = await PostAsync(other.Ingest, "/v1/logs", logs);
        var partial = ExportLogsServiceResponse.Parser.ParseFrom(await foreign.Content.ReadAsByteArrayAsync(Api.Ct)).PartialSuccess;
        Assert.Equal(1, partial.RejectedLogRecords);
        var named = LogsRequest("web", "prod", ErrorRecord("Session store unavailable", null));
        named.ResourceLogs[0].Resource.Attributes.Add(Attribute("healinggrains.deployment", "web-prod"));
        Assert.Equal(1, ExportLogsServiceResponse.Parser.ParseFrom(await (await PostAsync(other.Ingest, "/v1/logs", named)).Content.ReadAsByteArrayAsync(Api.Ct)).PartialSuccess.RejectedLogRecords);

        // Its own key, and the admin key too, reach it.
        Assert.Null(ExportLogsServiceResponse.Parser.ParseFrom(await (await PostAsync(tenant.Admin, "/v1/logs", logs)).Content.ReadAsByteArrayAsync(Api.Ct)).PartialSuccess);
        var list = await tenant.Admin.FingerprintsAsync("web-prod", l => Api.OneWithCount(l, 1));
        Assert.True(Api.OneWithCount(list, 1), list.ToString());
        Assert.Equal(0, (await (await other.Admin.GetAsync("/api/v1/fingerprints", Api.Ct)).JsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task ResourcesMapToDeploymentsByTheDocumentedRule()
    {
        var tenant = await fixture.NewTenantAsync();
        await OtlpSdkTests.RegisterAsync(tenant.Admin, "billing-eu-1", "billing", "Production");
        await OtlpSdkTests.RegisterAsync(tenant.Admin, "search", "search", "prod");
        await OtlpSdkTests.RegisterAsync(tenant.Admin, "search-a", "search", "staging");
        await OtlpSdkTests.RegisterAsync(tenant.Admin, "search-b", "search", "staging");
        await OtlpSdkTests.RegisterAsync(tenant.Admin, "named", "other", "other");

        // By service and environment (case-insensitive) when no deployment has the derived name.
        Assert.Null(await RejectedAsync(tenant, LogsRequest("billing", "production", ErrorRecord("Ledger locked", null))));

        // By name: the service alone when the resource has no environment (lowercased when needed).
        Assert.Null(await RejectedAsync(tenant, LogsRequest("Search", null, ErrorRecord("Index shard 3 missing", null))));

        // An environment nobody registered does not fall back to another environment's deployment.
        Assert.Contains("PUT /api/v1/deployments/search-qa", await RejectedAsync(tenant, LogsRequest("search", "qa", ErrorRecord("z", null))), StringComparison.Ordinal);

        // Ambiguous: two deployments of search in staging.
        var ambiguous = await RejectedAsync(tenant, LogsRequest("search", "staging", ErrorRecord("x", null)));
        Assert.Contains("search-a, search-b", ambiguous, StringComparison.Ordinal);

        // Named explicitly.
        var named = LogsRequest("whatever", null, ErrorRecord("Quota exceeded for project 7", null));
        named.ResourceLogs[0].Resource.Attributes.Add(Attribute("healinggrains.deployment", "named"));
        Assert.Null(await RejectedAsync(tenant, named));

        // No service.name.
        var anonymous = new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { ScopeLogs = { new ScopeLogs { LogRecords = { ErrorRecord("y", null) } } } } } };
        Assert.Contains("service.name", await RejectedAsync(tenant, anonymous), StringComparison.Ordinal);

        Assert.True(Api.OneWithCount(await tenant.Admin.FingerprintsAsync("billing-eu-1", l => Api.OneWithCount(l, 1)), 1));
        Assert.True(Api.OneWithCount(await tenant.Admin.FingerprintsAsync("search", l => Api.OneWithCount(l, 1)), 1));
        Assert.True(Api.OneWithCount(await tenant.Admin.FingerprintsAsync("named", l => Api.OneWithCount(l, 1)), 1));
    }

    [Fact]
    public async Task ATenantOverItsRateIsToldToRetryLater()
    {
        var tenant = await fixture.NewTenantAsync();
        var empty = new ExportMetricsServiceRequest();
        HttpResponseMessage? throttled = null;
        for (var i = 0; i < OtlpHostFixture.Burst * 3 && throttled is null; i++)
        {
            var response = await PostAsync(tenant.Ingest, "/v1/metrics", empty);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throttled = response;
            }
        }

        Assert.NotNull(throttled);
        Assert.True(throttled.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await AssertStatusAsync(throttled, HttpStatusCode.TooManyRequests, Protobuf, 8);

        // Another tenant is not slowed down by this one.
        var other = await fixture.NewTenantAsync();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(other.Ingest, "/v1/metrics", empty)).StatusCode);
    }

    private static async Task<string?> RejectedAsync(HostFixture.Tenant tenant, ExportLogsServiceRequest request)
    {
        var response = await PostAsync(tenant.Ingest, "/v1/logs", request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ExportLogsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(Api.Ct)).PartialSuccess?.ErrorMessage;
    }

    private static async Task<RpcStatus> AssertStatusAsync(HttpResponseMessage response, HttpStatusCode status, string contentType, int code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        var body = contentType == Protobuf
            ? RpcStatus.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(Api.Ct))
            : RpcStatus.Parser.ParseJson(await response.Content.ReadAsStringAsync(Api.Ct));
        Assert.Equal(code, body.Code);
        Assert.False(string.IsNullOrWhiteSpace(body.Message));
        return body;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, IMessage message, bool gzip = false) =>
        PostRawAsync(client, path, gzip ? Gzip(message.ToByteArray()) : message.ToByteArray(), Protobuf, gzip ? "gzip" : null);

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string path, byte[] body, string contentType, string? encoding = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }

        return client.PostAsync(path, content, Api.Ct);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }

    private static ulong Nanos(DateTimeOffset at) => (ulong)(at - DateTimeOffset.UnixEpoch).Ticks * 100;

    private static KeyValue Attribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static Resource Resource(string service, string? environment)
    {
        var resource = new Resource { Attributes = { Attribute("service.name", service) } };
        if (environment is not null)
        {
            resource.Attributes.Add(Attribute("deployment.environment", environment));
        }

        return resource;
    }

    private static LogRecord ErrorRecord(string message, string? exceptionType)
    {
        var record = new LogRecord { TimeUnixNano = Nanos(DateTimeOffset.UtcNow), SeverityNumber = SeverityNumber.Error, Body = new AnyValue { StringValue = message } };
        if (exceptionType is not null)
        {
            record.Attributes.Add(Attribute("exception.type", exceptionType));
        }

        return record;
    }

    private static ExportLogsServiceRequest LogsRequest(string service, string? environment, params LogRecord[] records) =>
        new() { ResourceLogs = { new ResourceLogs { Resource = Resource(service, environment), ScopeLogs = { new ScopeLogs { LogRecords = { records } } } } } };

    private static Metric Gauge(string name, double value) =>
        new() { Name = name, Gauge = new Gauge { DataPoints = { new NumberDataPoint { TimeUnixNano = Nanos(DateTimeOffset.UtcNow), AsDouble = value } } } };

    private static ExportMetricsServiceRequest MetricsRequest(string service, string? environment, params Metric[] metrics) =>
        new() { ResourceMetrics = { new ResourceMetrics { Resource = Resource(service, environment), ScopeMetrics = { new ScopeMetrics { Metrics = { metrics } } } } } };
}
