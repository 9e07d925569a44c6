using System.Text;

namespace HealingGrains.Silo.Tests;

[Collection(HostCollection.Name)]
public sealed class ContractErrorTests(HostFixture host)
{
    [Fact]
    public async Task MalformedTelemetryIsA400NamingTheField()
    {
        var tenant = await host.NewTenantAsync();
        var response = await tenant.Ingest.PostAsync("/api/v1/telemetry",
            new StringContent("""{"deployment": 5, "events": "x"}""", Encoding.UTF8, "application/json"), Api.Ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("$.deployment", out _));
    }

    [Theory]
    [InlineData("""{"deployment": "shop-prod"}""", "events")]
    [InlineData("""{"deployment": "shop-prod", "events": []}""", "events")]
    [InlineData("""{"deployment": "shop/prod", "events": [{"kind": "error", "message": "x"}]}""", "deployment")]
    [InlineData("""{"deployment": "shop-prod", "events": [{"kind": "error"}]}""", "events[0].message")]
    [InlineData("""{"deployment": "shop-prod", "events": [{"kind": "warning", "message": "x"}]}""", "events[0].kind")]
    [InlineData("""{"deployment": "shop-prod", "events": [{"kind": "metric", "name": "cpu"}]}""", "events[0].value")]
    [InlineData("""{"deployment": "shop-prod", "events": [{"kind": "metric", "value": 1}]}""", "events[0].name")]
    [InlineData("""{"deployment": "shop-prod", "events": [null]}""", "events[0]")]
    [InlineData("""{"deployment": "shop-prod", "events": [{"kind": "error", "message": "x", "attributes": {"a": {"b": 1}}}]}""", "events[0].attributes.a")]
    [InlineData("""{"deployment": "shop-prod", "events": [{"kind": "error", "message": "x", "timestamp": "yesterday"}]}""", "$.events[0].timestamp")]
    [InlineData("""[1, 2]""", "$")]
    public async Task InvalidTelemetryIsA400NamingTheField(string json, string field)
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod", "restart");

        var response = await tenant.Ingest.PostAsync("/api/v1/telemetry", new StringContent(json, Encoding.UTF8, "application/json"), Api.Ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected an error on '{field}': {problem}");
    }

    [Fact]
    public async Task TruncatedJsonIsA400PointingIntoTheDocument()
    {
        var tenant = await host.NewTenantAsync();

        var response = await tenant.Ingest.PostAsync("/api/v1/telemetry",
            new StringContent("""{"deployment": "shop-prod", "events": [{"kind": "error", "message": "x"}""", Encoding.UTF8, "application/json"), Api.Ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("$", Assert.Single(problem.GetProperty("errors").EnumerateObject()).Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStringOver32KiBIsRefusedNotTruncated()
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod");

        var response = await tenant.Ingest.SendErrorsAsync("shop-prod", new string('x', 32 * 1024 + 1));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("events[0].message", out _));
    }

    [Fact]
    public async Task AStringOfExactly32KiBIsAccepted()
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod");

        var response = await tenant.Ingest.SendErrorsAsync("shop-prod", new string('x', 32 * 1024));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task ABodyOver1MiBIsA413()
    {
        var tenant = await host.NewTenantAsync();

        var response = await tenant.Ingest.PostAsync("/api/v1/telemetry",
            new ByteArrayContent(new byte[(1024 * 1024) + 10]) { Headers = { ContentType = new("application/json") } }, Api.Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task AChunkedBodyOver1MiBIsA413()
    {
        var tenant = await host.NewTenantAsync();
        var content = new StreamContent(new MemoryStream(new byte[(1024 * 1024) + 10]));
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentLength = null;

        var response = await tenant.Ingest.PostAsync("/api/v1/telemetry", content, Api.Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task MoreThan1000EventsIsA413()
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod");

        var response = await tenant.Ingest.SendErrorsAsync("shop-prod", [.. Enumerable.Repeat("x", 1001)]);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task ExactlyOneThousandEventsAreAccepted()
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod");

        var response = await tenant.Ingest.SendErrorsAsync("shop-prod", [.. Enumerable.Range(0, 1000).Select(i => $"Job {i} failed")]);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1000, (await response.JsonAsync()).GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task AWrongContentTypeIsA415()
    {
        var tenant = await host.NewTenantAsync();

        var response = await tenant.Ingest.PostAsync("/api/v1/telemetry", new StringContent("deployment=x", Encoding.UTF8, "text/plain"), Api.Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key")]
    [InlineData("hg_nosuchtenant_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hg_Bad/Tenant_x")]
    public async Task NoOrAnUnknownKeyIsA401(string? key)
    {
        var response = await host.Client(key).GetAsync("/api/v1/fingerprints", Api.Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task AKeyOfTheWrongKindIsA403()
    {
        var tenant = await host.NewTenantAsync();

        await ProblemAssert.IsProblemAsync(
            await tenant.Ingest.PostAsJsonAsync("/api/v1/tenants", new { id = "x" + tenant.Id, name = "x" }, Api.Ct), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(
            await tenant.Admin.PostAsJsonAsync("/api/v1/tenants", new { id = "y" + tenant.Id, name = "y" }, Api.Ct), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await tenant.Ingest.GetAsync("/api/v1/fingerprints", Api.Ct), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await tenant.Ingest.PutDeploymentAsync("shop-prod"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await host.Operator.GetAsync("/api/v1/fingerprints", Api.Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CreatingATenantTwiceIsA409()
    {
        var tenant = await host.NewTenantAsync();

        var response = await host.Operator.PostAsJsonAsync("/api/v1/tenants", new { id = tenant.Id, name = "again" }, Api.Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("""{"id": "Acme Inc", "name": "x"}""", "id")]
    [InlineData("""{"name": "x"}""", "id")]
    [InlineData("""{"id": 7}""", "$.id")]
    public async Task AnInvalidTenantIsA400(string json, string field)
    {
        var response = await host.Operator.PostAsync("/api/v1/tenants", new StringContent(json, Encoding.UTF8, "application/json"), Api.Ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task InvalidCapabilitiesAreA400()
    {
        var tenant = await host.NewTenantAsync();

        var response = await tenant.Admin.PutDeploymentAsync("shop-prod", "restart", "Drop Tables;");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("capabilities[1]", out _));
    }

    [Fact]
    public async Task TelemetryForAnUnregisteredDeploymentIsA404()
    {
        var tenant = await host.NewTenantAsync();

        var response = await tenant.Ingest.SendErrorsAsync("never-registered", "boom");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/v1/fingerprints/0123456789abcdef")]
    [InlineData("/api/v1/fingerprints/not-an-id")]
    [InlineData("/api/v1/fingerprints?deployment=nope")]
    [InlineData("/api/v1/deployments/nope")]
    [InlineData("/api/v1/no-such-route")]
    public async Task UnknownResourcesAreA404(string path)
    {
        var tenant = await host.NewTenantAsync();

        await ProblemAssert.IsProblemAsync(await tenant.Admin.GetAsync(path, Api.Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnOutOfRangeLimitIsA400()
    {
        var tenant = await host.NewTenantAsync();

        await ProblemAssert.IsProblemAsync(await tenant.Admin.GetAsync("/api/v1/fingerprints?limit=0", Api.Ct), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await tenant.Admin.GetAsync("/api/v1/fingerprints?limit=abc", Api.Ct), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task RotatedKeysReplaceTheOldOnes()
    {
        var tenant = await host.NewTenantAsync();

        // Both keys were just accepted (so the host believes them for a second): the rotation must end that at once.
        Assert.Equal(HttpStatusCode.OK, (await tenant.Admin.GetAsync("/api/v1/deployments", Api.Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.Ingest.PostAsync("/api/v1/telemetry", new StringContent("{}", Encoding.UTF8, "application/json"), Api.Ct)).StatusCode);

        var rotated = await (await tenant.Admin.PostAsync("/api/v1/keys/rotate", null, Api.Ct)).JsonAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.Admin.GetAsync("/api/v1/deployments", Api.Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.Ingest.PostAsync("/api/v1/telemetry", new StringContent("{}", Encoding.UTF8, "application/json"), Api.Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client(rotated.GetProperty("adminKey").GetString()).GetAsync("/api/v1/deployments", Api.Ct)).StatusCode);
    }

    [Fact]
    public async Task TheHostServesItsOpenApiDocument()
    {
        var document = await (await host.Client(null).GetAsync("/openapi/v1.json", Api.Ct)).JsonAsync();

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/tenants", "/api/v1/telemetry", "/api/v1/deployments/{deployment}", "/api/v1/fingerprints/{id}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }
    }
}
