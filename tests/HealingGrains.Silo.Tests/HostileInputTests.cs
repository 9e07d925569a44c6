using System.Text;

namespace HealingGrains.Silo.Tests;

/// <summary>Inputs built to break parsers: each gets a 4xx problem, never a 500.</summary>
[Collection(HostCollection.Name)]
public sealed class HostileInputTests(HostFixture host)
{
    public static TheoryData<string, byte[]> Bodies => new()
    {
        { "empty", [] },
        { "deeply nested", Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)) },
        { "invalid UTF-8", [.. "{\"deployment\": \""u8, 0xC3, 0x28, .. "\", \"events\": []}"u8] },
        { "NaN value", Encoding.UTF8.GetBytes("""{"deployment": "shop-prod", "events": [{"kind": "metric", "name": "x", "value": NaN}]}""") },
        { "overflowing number", Encoding.UTF8.GetBytes("""{"deployment": "shop-prod", "events": [{"kind": "metric", "name": "x", "value": 1e400}]}""") },
        { "number as string", Encoding.UTF8.GetBytes("""{"deployment": "shop-prod", "events": [{"kind": "metric", "name": "x", "value": "7"}]}""") },
        { "object as events", Encoding.UTF8.GetBytes("""{"deployment": "shop-prod", "events": {"kind": "error"}}""") },
        { "null body", Encoding.UTF8.GetBytes("null") },
        { "control characters in deployment", Encoding.UTF8.GetBytes("{\"deployment\": \"shop\\u0000prod\", \"events\": [{\"kind\": \"error\", \"message\": \"x\"}]}") },
        { "year zero", Encoding.UTF8.GetBytes("""{"deployment": "shop-prod", "events": [{"kind": "error", "message": "x", "timestamp": "0000-01-01T00:00:00Z"}]}""") },
        { "100 attributes", Encoding.UTF8.GetBytes("{\"deployment\": \"shop-prod\", \"events\": [{\"kind\": \"error\", \"message\": \"x\", \"attributes\": {" + string.Join(',', Enumerable.Range(0, 100).Select(i => $"\"a{i}\": {i}")) + "}}]}") },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task TelemetryNeverAnswers500(string name, byte[] body)
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod");

        var response = await tenant.Ingest.PostAsync("/api/v1/telemetry",
            new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } }, Api.Ct);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{name}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/v1/deployments/%20%20")]
    [InlineData("/api/v1/deployments/..%2F..%2Fetc")]
    [InlineData("/api/v1/fingerprints/%E2%80%AE")]
    [InlineData("/api/v1/fingerprints?deployment=%00&limit=99999999999999999999")]
    public async Task HostilePathsAndQueriesAreNot500(string path)
    {
        var tenant = await host.NewTenantAsync();

        var response = await tenant.Admin.GetAsync(path, Api.Ct);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{path}: {(int)response.StatusCode}");
    }

    [Theory]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer hg_acme")]
    [InlineData("Bearer hg__")]
    public async Task MalformedAuthorizationIsA401(string header)
    {
        var client = host.Client(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);

        var response = await client.GetAsync("/api/v1/fingerprints", Api.Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AClientThatAcceptsNoProblemFormatStillGetsItsProblemAsJson()
    {
        var client = host.Client(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", "text/csv");

        var unauthorized = await client.GetAsync("/api/v1/fingerprints", Api.Ct);
        var missing = await client.GetAsync("/no/such/route", Api.Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("application/problem+json", unauthorized.Content.Headers.ContentType?.MediaType);
        Assert.Equal(401, (await unauthorized.JsonAsync()).GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }
}
