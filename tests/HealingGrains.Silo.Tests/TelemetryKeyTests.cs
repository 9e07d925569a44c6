using System.Text;

namespace HealingGrains.Silo.Tests;

/// <summary>
/// <c>POST /api/v1/telemetry</c> answers each kind of key as every other endpoint does: keys that may ingest go the fast
/// path, everything else the authentication and authorization pipeline, and the answers must not tell them apart.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class TelemetryKeyTests(HostFixture host)
{
    private static StringContent OneError(string deployment) => new(
        $$"""{"deployment": "{{deployment}}", "events": [{"kind": "error", "message": "Pool exhausted"}]}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task TheTenantsIngestAndAdminKeysAreAccepted()
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod");

        foreach (var client in new[] { tenant.Ingest, tenant.Admin })
        {
            var response = await client.PostAsync("/api/v1/telemetry", OneError("shop-prod"), Api.Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal(1, (await response.JsonAsync()).GetProperty("accepted").GetInt32());
        }

        // Routing matches paths whatever their case, and so does the fast path; a trailing slash goes down the pipeline.
        // Both answer alike, and every event is counted once.
        var fast = await tenant.Ingest.PostAsync("/API/V1/Telemetry", OneError("shop-prod"), Api.Ct);
        var routed = await tenant.Ingest.PostAsync("/api/v1/telemetry/", OneError("shop-prod"), Api.Ct);
        foreach (var response in new[] { fast, routed })
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            Assert.Equal("""{"accepted":1}""", await response.Content.ReadAsStringAsync(Api.Ct));
        }

        Assert.Equal(14, fast.Content.Headers.ContentLength);
        Assert.True(Api.OneWithCount(await tenant.Admin.FingerprintsAsync("shop-prod", list => Api.OneWithCount(list, 4)), 4));
    }

    [Fact]
    public async Task TheOperatorKeyIsForbidden()
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod");

        var response = await host.Operator.PostAsync("/api/v1/telemetry", OneError("shop-prod"), Api.Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer ")]
    [InlineData("Bearer hg_nosuchtenant_0123456789abcdef")]
    public async Task NoKeyOrAnUnknownOneIsUnauthorized(string? authorization)
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/telemetry") { Content = OneError("shop-prod") };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await host.Client(null).SendAsync(request, Api.Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task AWrongSecretForARealTenantIsUnauthorizedEveryTime()
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod");
        var forged = tenant.IngestKey[..^4] + (tenant.IngestKey.EndsWith("aaaa", StringComparison.Ordinal) ? "bbbb" : "aaaa");

        // The real key first, so that the host believes it for a second: a forged one must still be refused.
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.Ingest.PostAsync("/api/v1/telemetry", OneError("shop-prod"), Api.Ct)).StatusCode);
        for (var i = 0; i < 2; i++)
        {
            await ProblemAssert.IsProblemAsync(await host.Client(forged).PostAsync("/api/v1/telemetry", OneError("shop-prod"), Api.Ct), HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task AKeyReachesOnlyItsOwnTenantsDeployments()
    {
        var (a, b) = (await host.NewTenantAsync(), await host.NewTenantAsync());
        await a.Admin.PutDeploymentAsync("only-in-a");

        var response = await b.Ingest.PostAsync("/api/v1/telemetry", OneError("only-in-a"), Api.Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }
}

/// <summary>
/// The same questions on one kept-alive connection to a real Kestrel: Kestrel reuses a connection's request objects,
/// and a key decided for one request (kept on the request by <c>ApiKeyAuthenticator</c>) must never answer for the next.
/// </summary>
public sealed class KeepAliveKeyTests
{
    [Fact]
    public async Task EachRequestOnOneConnectionIsJudgedByItsOwnKey()
    {
        await using var host = await HealingGrains.Silo.Hosting.EmbeddedHost.StartAsync(seed: 31, Api.Ct);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        using var client = new HttpClient(handler) { BaseAddress = host.Address };
        var connections = 0;
        handler.ConnectCallback = async (context, cancellationToken) =>
        {
            Interlocked.Increment(ref connections);
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        };

        using var tenantResponse = await SendAsync(client, HttpMethod.Post, "/api/v1/tenants", host.OperatorKey, """{"id": "keepalive", "name": "Keep-alive"}""");
        var tenant = (await tenantResponse.Content.ReadFromJsonAsync<HostFixture.TenantBody>(Api.Ct))!;
        using var put = await SendAsync(client, HttpMethod.Put, "/api/v1/deployments/shop-prod", tenant.AdminKey, """{"service": "shop", "environment": "prod"}""");
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var forged = tenant.IngestKey[..^4] + (tenant.IngestKey.EndsWith("aaaa", StringComparison.Ordinal) ? "bbbb" : "aaaa");
        const string Event = """{"deployment": "shop-prod", "events": [{"kind": "error", "message": "Pool exhausted"}]}""";

        var answers = new List<HttpStatusCode>();
        foreach (var key in new[] { tenant.IngestKey, forged, null, tenant.IngestKey, host.OperatorKey, tenant.AdminKey, forged })
        {
            using var response = await SendAsync(client, HttpMethod.Post, "/api/v1/telemetry", key, Event);
            answers.Add(response.StatusCode);
        }

        Assert.Equal(
            [HttpStatusCode.Accepted, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Accepted,
             HttpStatusCode.Forbidden, HttpStatusCode.Accepted, HttpStatusCode.Unauthorized],
            answers);
        Assert.Equal(1, connections);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? key, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        var response = await client.SendAsync(request, Api.Ct);
        await response.Content.LoadIntoBufferAsync(Api.Ct);
        return response;
    }
}
