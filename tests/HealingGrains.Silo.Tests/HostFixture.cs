
namespace HealingGrains.Silo.Tests;

/// <summary>One host shared by the HTTP tests; every test makes its own tenant.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    public const string OperatorKey = "test-operator-key-0123456789abcdef0123456789";

    public HealingHost Host { get; } = new(HealingHost.NewDataDirectory(), OperatorKey);

    public HttpClient Operator => Host.ClientWithKey(OperatorKey);

    public HttpClient Client(string? key) => Host.ClientWithKey(key);

    public async Task<Tenant> NewTenantAsync()
    {
        var id = "t-" + Guid.NewGuid().ToString("N")[..12];
        var response = await Operator.PostAsJsonAsync("/api/v1/tenants", new { id, name = "Test " + id }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<TenantBody>(TestContext.Current.CancellationToken))!;
        return new Tenant(id, Client(body.AdminKey), Client(body.IngestKey), body.AdminKey, body.IngestKey);
    }

    public ValueTask InitializeAsync()
    {
        _ = Host.Server;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();

    public sealed record Tenant(string Id, HttpClient Admin, HttpClient Ingest, string AdminKey, string IngestKey);

    public sealed record TenantBody(string Id, string AdminKey, string IngestKey);
}

[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<HostFixture>
{
    public const string Name = "host";
}
