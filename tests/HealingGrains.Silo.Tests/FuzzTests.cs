using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace HealingGrains.Silo.Tests;

/// <summary>
/// Ten thousand hostile requests, seeded, against every public endpoint the host maps (read from its endpoint data
/// source, so a new endpoint is fuzzed without anyone listing it): malformed, oversized, deeply nested and invalid UTF-8
/// bodies, wrong types, hostile strings in paths, queries and headers, wrong methods and content types, every kind of
/// key. None may answer 5xx or hang, and the host must still ingest and answer afterwards.
/// </summary>
public sealed class FuzzTests : IAsyncLifetime
{
    private const int Cases = 10_000;

    // Bodies over this may be refused before they are read (413, connection closed); the API's limits are lower.
    private const long OversizedBody = 1024 * 1024;
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);
    private readonly ErrorLog _errors = new();
    private readonly WebApplicationFactory<Program> _host;

    public FuzzTests(ITestOutputHelper output)
    {
        _output = output;
        _host = new HealingHost(HealingHost.NewDataDirectory(), HostFixture.OperatorKey)
            .WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(_errors)));
    }

    private readonly ITestOutputHelper _output;

    private static readonly string[] HostileStrings =
    [
        "", " ", "\0", "%00", "..", "../../etc/passwd", "..%2F..%2F", "\u202Egnp.exe", "\uFEFF", "\uD800", "\uDBFF\uDFFF",
        "😀🔥", "'; DROP TABLE rows; --", "<script>alert(1)</script>", "${jndi:ldap://x/a}", "{{7*7}}", "%s%s%s%n",
        "\r\nSet-Cookie: a=b", "a\tb\nc", new string('a', 300), new string('x', 5000), "-1", "0", "99999999999999999999999",
        "1e400", "NaN", "null", "true", "[]", "{}", "shop-prod", "SHOP-PROD", "tenant:other", "*", "?", "#", "\\", "/", "//",
        "CON", "aux.txt", "\u0130", "ǅ", "x=y&z", "a b", "%", "%zz", "%C0%AF", "%E2%80%AE", "hg_ingest_x", "Bearer x",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/json; charset=latin1", "application/x-protobuf",
        "application/problem+json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/xml", "*/*", "application/json; foo", "garbage",
    ];

    public ValueTask InitializeAsync()
    {
        // Real HTTP through Kestrel: its request parser is part of what is fuzzed (an in-memory test server would refuse
        // some requests in the client before the host saw them).
        _host.UseKestrel(0);
        _host.StartServer();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task TenThousandHostileRequestsGetNo5xxNoHangAndTheHostStaysHealthy()
    {
        var ct = TestContext.Current.CancellationToken;
        var op = Client(HostFixture.OperatorKey);
        var tenants = 0;

        // A tenant with a deployment and one fingerprint, so that some ids in the requests exist.
        async Task<(string Admin, string Ingest, string Fingerprint)> NewTenantAsync()
        {
            var created = await (await op.PostAsJsonAsync("/api/v1/tenants", new { id = $"fuzz-{++tenants}", name = "Fuzz" }, ct)).JsonAsync();
            var admin = Client(created.GetProperty("adminKey").GetString()!);
            var ingest = Client(created.GetProperty("ingestKey").GetString()!);
            Assert.True((await admin.PutDeploymentAsync("shop-prod", "restart")).IsSuccessStatusCode);
            Assert.True((await ingest.SendErrorsAsync("shop-prod", "Order 7 failed: timeout")).IsSuccessStatusCode);
            var id = (await admin.FingerprintsAsync("shop-prod", l => l.GetArrayLength() == 1))[0].GetProperty("id").GetString()!;
            return (created.GetProperty("adminKey").GetString()!, created.GetProperty("ingestKey").GetString()!, id);
        }

        var (adminKey, ingestKey, fingerprint) = await NewTenantAsync();

        var endpoints = _host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api/", StringComparison.Ordinal) || raw.StartsWith("/v1/", StringComparison.Ordinal) || raw.StartsWith("/health", StringComparison.Ordinal)))
            .Select(e => (Pattern: e.RoutePattern, Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .ToList();
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} endpoints found");

        var random = new Random(20261125);
        string[] keys = [adminKey, ingestKey, HostFixture.OperatorKey, "", "hg_" + new string('z', 40), adminKey + "x", "\u00e9\u00e9"];
        // Header values go out as UTF-8 bytes, hostile ones included, as a raw client could send them.
        var address = _host.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 })
        {
            BaseAddress = new Uri(address),
            Timeout = Hang,
        };
        var statuses = new SortedDictionary<int, int>();
        var failures = new List<string>();
        var retried = new List<string>();
        for (var i = 0; i < Cases; i++)
        {
            var (pattern, methods) = endpoints[random.Next(endpoints.Count)];
            var method = random.Next(10) == 0 ? Pick(random, "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD") : Pick(random, [.. methods]);
            var path = Path(pattern, random, fingerprint) + Query(random);
            var key = random.Next(8) == 0 ? Pick(random, keys) : (pattern.RawText!.StartsWith("/api/v1/tenants", StringComparison.Ordinal) ? HostFixture.OperatorKey : Pick(random, adminKey, ingestKey));
            var authorization = key.Length == 0 ? null : random.Next(20) == 0 ? key : "Bearer " + key;
            (byte[] Bytes, string ContentType, string? Encoding)? body = method is not ("GET" or "HEAD" or "DELETE") || random.Next(10) == 0 ? Body(random, fingerprint) : null;
            (string Name, string Value)? header = random.Next(15) == 0
                ? (Pick(random, "Accept", "If-Match", "X-Forwarded-For", "Accept-Encoding", "Origin"), Pick(random, HostileStrings))
                : null;

            HttpRequestMessage Request()
            {
                var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (authorization is not null)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", authorization);
                }

                if (body is { } b)
                {
                    var content = new ByteArrayContent(b.Bytes);
                    content.Headers.TryAddWithoutValidation("Content-Type", b.ContentType);
                    if (b.Encoding is { } encoding)
                    {
                        content.Headers.TryAddWithoutValidation("Content-Encoding", encoding);
                    }

                    request.Content = content;
                }

                if (header is { } h)
                {
                    request.Headers.TryAddWithoutValidation(h.Name, h.Value);
                }

                return request;
            }

            var described = $"#{i} {method} {path} ({body?.ContentType ?? "no body"}, {body?.Bytes.Length ?? 0} bytes{(header is { } x ? $", {x.Name}: {JsonSerializer.Serialize(x.Value)}" : "")})";
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                using var request = Request();
                try
                {
                    using var response = await client.SendAsync(request, ct);
                    var status = (int)response.StatusCode;
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    if (status >= 500)
                    {
                        failures.Add($"{described} → {status}: {Truncate(await response.Content.ReadAsStringAsync(ct))}");
                    }
                    else if (status == 200 && path.StartsWith("/api/v1/keys/rotate", StringComparison.Ordinal))
                    {
                        // The fuzzer rotated the tenant's keys: carry on with the new ones, as the tenant would.
                        var rotated = await response.JsonAsync();
                        (adminKey, ingestKey) = (rotated.GetProperty("adminKey").GetString()!, rotated.GetProperty("ingestKey").GetString()!);
                        (keys[0], keys[1]) = (adminKey, ingestKey);
                    }

                    break;
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                {
                    failures.Add($"{described} → no answer within {Hang.TotalSeconds} s");
                    break;
                }
                catch (HttpRequestException) when (body?.Bytes.Length > OversizedBody)
                {
                    // The server refused an oversized body and closed the connection before the client had sent it all.
                    statuses[0] = statuses.GetValueOrDefault(0) + 1;
                    if (path.StartsWith("/api/v1/keys/rotate", StringComparison.Ordinal))
                    {
                        // It may have rotated the keys before it refused the body: the new ones were never seen.
                        (adminKey, ingestKey, fingerprint) = await NewTenantAsync();
                        (keys[0], keys[1]) = (adminKey, ingestKey);
                    }

                    break;
                }
                catch (HttpRequestException ex) when (attempt == 1)
                {
                    // A kept-alive connection the server closed after the previous request (it closes one whose body it
                    // did not read); a client retries on a new connection, and so does this one, once.
                    retried.Add($"{described}: {ex.InnerException?.Message ?? ex.Message}");
                }
                catch (HttpRequestException ex)
                {
                    failures.Add($"{described} → {ex.GetType().Name}: {ex.Message} {ex.InnerException?.Message} {ex.InnerException?.InnerException?.Message}");
                }
            }
        }

        _output.WriteLine($"{Cases} cases over {endpoints.Count} endpoints: " + string.Join(", ", statuses.Select(s => $"{(s.Key == 0 ? "closed on an oversized body" : s.Key)} ×{s.Value}")));
        _output.WriteLine($"{retried.Count} retried on a new connection:\n" + string.Join("\n", retried.Take(20)));
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures.Take(30)) + "\nThe host's errors:\n" + string.Join("\n", _errors.Entries.Take(20)));

        // Healthy afterwards: it still ingests, groups and answers.
        var admin = Client(adminKey);
        var ingest = Client(ingestKey);
        Assert.True((await ingest.SendErrorsAsync("shop-prod", "Order 8 failed: timeout")).IsSuccessStatusCode);
        var after = await admin.FingerprintsAsync("shop-prod", l => l.EnumerateArray().Any(f => f.GetProperty("id").GetString() == fingerprint && f.GetProperty("count").GetInt64() >= 2));
        Assert.Contains(after.EnumerateArray(), f => f.GetProperty("id").GetString() == fingerprint && f.GetProperty("count").GetInt64() >= 2);
    }

    private static string Path(RoutePattern pattern, Random random, string fingerprint)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternParameterPart parameter => Uri.EscapeDataString(random.Next(3) switch
                    {
                        0 => parameter.Name.Contains("fingerprint", StringComparison.OrdinalIgnoreCase) || parameter.Name == "id" ? fingerprint : "shop-prod",
                        _ => Pick(random, HostileStrings),
                    }),
                    RoutePatternSeparatorPart separator => separator.Content,
                    _ => "",
                });
            }
        }

        return path.Length == 0 ? "/" : path.ToString();
    }

    private static string Query(Random random)
    {
        if (random.Next(3) != 0)
        {
            return "";
        }

        var names = new[] { "deployment", "limit", "offset", "from", "to", "state", "kind", "cursor", "q", "page", "status", "since", "category" };
        return "?" + string.Join('&', Enumerable.Range(0, random.Next(1, 4)).Select(_ => $"{Pick(random, names)}={Uri.EscapeDataString(Pick(random, HostileStrings))}"));
    }

    private static (byte[] Bytes, string ContentType, string? Encoding) Body(Random random, string fingerprint)
    {
        var bytes = random.Next(14) switch
        {
            0 => Array.Empty<byte>(),
            1 => Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)),
            2 => Encoding.UTF8.GetBytes(new string('{', 3_000)),
            3 => (byte[])[.. "{\"deployment\": \""u8, 0xC3, 0x28, 0xFF, 0xFE, .. "\", \"events\": []}"u8],
            4 => RandomBytes(random, random.Next(1, 4096)),
            5 => Encoding.UTF8.GetBytes("{\"deployment\": \"shop-prod\", \"events\": [" + string.Join(',', Enumerable.Repeat("{\"kind\": \"error\", \"message\": \"" + new string('m', 20_000) + "\"}", 200)) + "]}"),
            6 => Gzip(RandomJson(random, fingerprint, 0)),
            7 => Encoding.UTF8.GetBytes("{\"a\":1,\"a\":2,\"deployment\":null,\"events\":null,\"version\":7,\"id\":[],\"name\":{}}"),
            8 => Encoding.UTF8.GetBytes(Pick(random, "null", "true", "0", "\"s\"", "[]", "{}", "1e999", "-0", "[null]", "{\"\":\"\"}")),
            _ => Encoding.UTF8.GetBytes(RandomJson(random, fingerprint, 0)),
        };
        var contentType = random.Next(4) == 0 ? Pick(random, ContentTypes) : "application/json";
        return (bytes, contentType, random.Next(12) == 0 ? Pick(random, "gzip", "deflate", "br", "identity", "x-bogus") : null);
    }

    // A JSON value shaped like the API's bodies (their field names, nested objects and arrays) with wrong types and hostile values.
    private static string RandomJson(Random random, string fingerprint, int depth)
    {
        string[] fields =
        [
            "deployment", "events", "kind", "message", "exceptionType", "stackTrace", "timestamp", "service", "name", "value",
            "attributes", "version", "commit", "deployedAt", "capabilities", "environment", "id", "fingerprint", "succeeded",
            "detail", "comment", "category", "approvalThreshold", "allowedKinds", "aiEnabled", "snapshot", "diff", "files",
            "path", "before", "after", "rules", "permissions", "platform", "tests", "resourceLogs", "resourceMetrics",
            "scopeLogs", "logRecords", "body", "severityNumber", "metrics", "gauge", "dataPoints", "asDouble", "timeUnixNano",
            "target", "into", "members", "sharing", "bundle", "signature", "mode", "model", "kindName", "key", "password",
        ];
        if (depth > 4 || random.Next(4) == 0)
        {
            return random.Next(9) switch
            {
                0 => "null",
                1 => random.Next(2) == 0 ? "true" : "false",
                2 => random.NextDouble().ToString("R", CultureInfo.InvariantCulture),
                3 => Pick(random, "-1", "0", "1", "2147483648", "-9223372036854775809", "1e308", "4.9e-324", "123456789012345678901234567890"),
                4 => JsonSerializer.Serialize(fingerprint),
                5 => JsonSerializer.Serialize(Pick(random, "error", "metric", "restart", "shop-prod", "2026-11-24T10:00:00Z", "1.2.3", "Network")),
                _ => JsonSerializer.Serialize(Pick(random, HostileStrings)),
            };
        }

        if (random.Next(3) == 0)
        {
            return "[" + string.Join(',', Enumerable.Range(0, random.Next(0, 5)).Select(_ => RandomJson(random, fingerprint, depth + 1))) + "]";
        }

        return "{" + string.Join(',', Enumerable.Range(0, random.Next(0, 7)).Select(_ => $"{JsonSerializer.Serialize(Pick(random, fields))}: {RandomJson(random, fingerprint, depth + 1)}")) + "}";
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }

    private static T Pick<T>(Random random, params T[] values) => values[random.Next(values.Length)];

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private HttpClient Client(string key)
    {
        var client = _host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>The host's error logs with their exceptions: what a 5xx was.</summary>
    private sealed class ErrorLog : ILoggerProvider, ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _kinds = new();

        public System.Collections.Concurrent.ConcurrentQueue<string> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // One entry per kind of error: the exception's type and the first frame it names.
            var frames = exception?.ToString().Split('\n').Where(l => l.Contains("HealingGrains.", StringComparison.Ordinal)).Take(4).ToList() ?? [];
            var text = $"{exception?.GetType().Name}: {exception?.Message}\n{string.Join("\n", frames)}";
            var kind = exception is null ? formatter(state, exception) : $"{exception.GetType()} {frames.FirstOrDefault()}";
            if (IsEnabled(logLevel) && Entries.Count < 100 && _kinds.TryAdd(kind, 0))
            {
                Entries.Enqueue(text);
            }
        }

        public void Dispose()
        {
        }
    }
}
