using System.Net.Http.Headers;
using HealingGrains.Silo.Hosting;

namespace HealingGrains.Silo.Tests;

/// <summary>
/// One real host on a loopback port (Kestrel, not the test server), so the OpenTelemetry SDK's exporter talks to it
/// over HTTP as it would in production. Small OTLP limits so that the limit tests need no large bodies.
/// </summary>
public sealed class OtlpHostFixture : IAsyncLifetime
{
    public const int MaxRequestBytes = 256 * 1024;
    public const int MaxDecompressedBytes = 1024 * 1024;
    public const int MaxItems = 500;
    public const int Burst = 40;

    public EmbeddedHost Host { get; private set; } = null!;

    public Uri Address => Host.Address;

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = Host.Address, Timeout = TimeSpan.FromMinutes(2) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public async Task<HostFixture.Tenant> NewTenantAsync()
    {
        var id = "o-" + Guid.NewGuid().ToString("N")[..12];
        var response = await Client(Host.OperatorKey).PostAsJsonAsync("/api/v1/tenants", new { id, name = "Otlp " + id }, Api.Ct);
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<HostFixture.TenantBody>(Api.Ct))!;
        return new HostFixture.Tenant(id, Client(body.AdminKey), Client(body.IngestKey), body.AdminKey, body.IngestKey);
    }

    public async ValueTask InitializeAsync() =>
        Host = await EmbeddedHost.StartAsync(seed: 11, CancellationToken.None, settings: new Dictionary<string, string?>
        {
            ["HealingGrains:Otlp:MaxRequestBytes"] = MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HealingGrains:Otlp:MaxDecompressedBytes"] = MaxDecompressedBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HealingGrains:Otlp:MaxItemsPerRequest"] = MaxItems.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HealingGrains:Otlp:RequestsPerSecond"] = "1",
            ["HealingGrains:Otlp:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class OtlpHostCollection : ICollectionFixture<OtlpHostFixture>
{
    public const string Name = "otlp-host";
}
