using HealingGrains.Testing;

namespace HealingGrains.Silo.Tests;

/// <summary>
/// Storage that answers but refuses the host's requests (here Azurite checking API versions, which refuses the SDK's): a
/// request that needs it is answered 503 with <c>Retry-After</c> and a detail that names storage, never 500.
/// </summary>
public sealed class StorageRefusalTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = AzuriteFixture.CheckingApiVersions();
    private HealingHost? _host;

    public async ValueTask InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _host = new HealingHost(HealingHost.NewDataDirectory(), HostFixture.OperatorKey, new Dictionary<string, string?>
        {
            ["HealingGrains:Streams:Provider"] = "AzureQueue",
            ["HealingGrains:Streams:ConnectionString"] = _azurite.ConnectionString,
            ["HealingGrains:Streams:QueueCount"] = "2",
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task TelemetryIsAnswered503NamingStorageWhenStorageRefusesTheHost()
    {
        using var ingest = await IngestClientAsync("refused");

        using var response = await ingest.PostAsJsonAsync("/api/v1/telemetry", new
        {
            deployment = "shop-prod",
            events = new[] { new { kind = "error", timestamp = "2026-11-24T10:00:00Z", service = "shop", exceptionType = "System.TimeoutException", message = "Timed out" } },
        }, Api.Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        var problem = await response.JsonAsync();
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("The host's storage refused its request (400 ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    // The OTLP receiver answers in OTLP's own terms, with the same status, delay and words.
    [Fact]
    public async Task AnOtlpExportIsAnswered503NamingStorageWhenStorageRefusesTheHost()
    {
        using var ingest = await IngestClientAsync("refused-otlp");
        const string Json = """
            {"resourceLogs":[{"resource":{"attributes":[
                {"key":"service.name","value":{"stringValue":"shop"}},
                {"key":"deployment.environment.name","value":{"stringValue":"prod"}}]},
              "scopeLogs":[{"logRecords":[{"severityNumber":17,"body":{"stringValue":"Cart service timed out"}}]}]}]}
            """;

        using var response = await ingest.PostAsync("/v1/logs", new StringContent(Json, System.Text.Encoding.UTF8, "application/json"), Api.Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        Assert.Contains("The host's storage refused its request (400 ", await response.Content.ReadAsStringAsync(Api.Ct), StringComparison.Ordinal);
    }

    // A tenant with the deployment shop-prod (service shop, environment prod), and its ingest client.
    private async Task<HttpClient> IngestClientAsync(string tenant)
    {
        using var operatorClient = _host!.ClientWithKey(HostFixture.OperatorKey);
        var created = await (await operatorClient.PostAsJsonAsync("/api/v1/tenants", new { id = tenant, name = tenant }, Api.Ct)).JsonAsync();
        using var admin = _host.ClientWithKey(created.GetProperty("adminKey").GetString()!);
        await OtlpSdkTests.RegisterAsync(admin, "shop-prod", "shop", "prod");
        return _host.ClientWithKey(created.GetProperty("ingestKey").GetString()!);
    }
}
