using System.Globalization;
using System.Text;
using HealingGrains.Silo.Hosting;
using HealingGrains.Testing;

namespace HealingGrains.Silo.Tests;

/// <summary>
/// OTLP on the durable stream (Azure queues on Azurite): an export bigger than a queue message (64 KiB) is published in
/// batches cut by size, as <c>POST /api/v1/telemetry</c> is, and every record arrives.
/// </summary>
public sealed class OtlpDurableStreamTests : IAsyncLifetime
{
    private const int Records = 120;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-";

    private readonly AzuriteFixture _azurite = new();
    private EmbeddedHost? _host;

    public async ValueTask InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _host = await EmbeddedHost.StartAsync(seed: 3, Api.Ct, settings: new Dictionary<string, string?>
        {
            ["HealingGrains:Streams:Provider"] = "AzureQueue",
            ["HealingGrains:Streams:ConnectionString"] = _azurite.ConnectionString,
            ["HealingGrains:Streams:QueuePrefix"] = "o" + Guid.NewGuid().ToString("N")[..8],
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
    public async Task AnExportBiggerThanAQueueMessageArrivesWhole()
    {
        var (admin, ingest) = await LedgerTenantAsync("otlp-big");

        // 120 records of about 1.8 KB, each with its own 200 ids (random, so that compression cannot shrink them; the
        // template masks them): about 230 KB in one export, twice what one queue message holds even compressed.
        var random = new Random(7);
        var now = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000).ToString(CultureInfo.InvariantCulture);
        var records = string.Join(',', Enumerable.Range(0, Records).Select(_ =>
        {
            var ids = string.Join(' ', Enumerable.Range(0, 200).Select(_ => random.Next().ToString("x8", CultureInfo.InvariantCulture)));
            return $$$"""{"timeUnixNano":"{{{now}}}","severityNumber":17,"body":{"stringValue":"Ledger write failed for keys {{{ids}}}"}}""";
        }));
        var json = $$$"""
            {"resourceLogs":[{"resource":{"attributes":[
                {"key":"service.name","value":{"stringValue":"ledger"}},
                {"key":"deployment.environment.name","value":{"stringValue":"prod"}}]},
              "scopeLogs":[{"scope":{"name":"ledger"},"logRecords":[{{{records}}}]}]}]}
            """;
        Assert.True(json.Length > 2 * 64 * 1024, $"{json.Length} bytes");

        var response = await ingest.PostAsync("/v1/logs", new StringContent(json, Encoding.UTF8, "application/json"), Api.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = await admin.FingerprintsAsync("ledger-prod", l => Api.OneWithCount(l, Records));
        Assert.True(Api.OneWithCount(list, Records), list.ToString());
    }

    [Fact]
    public async Task ARecordNoQueueMessageHoldsIsRefusedWith413NotA500()
    {
        var (admin, ingest) = await LedgerTenantAsync("otlp-huge");

        // One record within every per-field limit (32 KiB each) that no queue message holds even compressed: a 30,000
        // character body, a 30,000 character stack trace and ten attributes of 1,500 characters, all random.
        var random = new Random(11);
        string Noise(int length) => new([.. Enumerable.Range(0, length).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
        var attributes = string.Join(',', Enumerable.Range(0, 10).Select(i => $$$"""{"key":"note.{{{i}}}","value":{"stringValue":"{{{Noise(1_500)}}}"}}"""));
        var json = $$$"""
            {"resourceLogs":[{"resource":{"attributes":[
                {"key":"service.name","value":{"stringValue":"ledger"}},
                {"key":"deployment.environment.name","value":{"stringValue":"prod"}}]},
              "scopeLogs":[{"logRecords":[{"severityNumber":17,"body":{"stringValue":"Ledger write failed: {{{Noise(30_000)}}}"},
                "attributes":[{"key":"exception.stacktrace","value":{"stringValue":"{{{Noise(30_000)}}}"}},{{{attributes}}}]}]}]}]}
            """;

        var response = await ingest.PostAsync("/v1/logs", new StringContent(json, Encoding.UTF8, "application/json"), Api.Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("queue message holds at most", await response.Content.ReadAsStringAsync(Api.Ct), StringComparison.Ordinal);
    }

    // A tenant with the deployment "ledger-prod" (OTLP service "ledger", environment "prod") and its admin and ingest clients.
    private async Task<(HttpClient Admin, HttpClient Ingest)> LedgerTenantAsync(string id)
    {
        using var operatorClient = Client(_host!.OperatorKey);
        var created = await (await operatorClient.PostAsJsonAsync("/api/v1/tenants", new { id, name = id }, Api.Ct)).JsonAsync();
        var admin = Client(created.GetProperty("adminKey").GetString()!);
        await OtlpSdkTests.RegisterAsync(admin, "ledger-prod", "ledger", "prod");
        return (admin, Client(created.GetProperty("ingestKey").GetString()!));
    }

    private HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = _host!.Address, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
