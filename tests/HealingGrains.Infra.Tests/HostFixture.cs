using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace HealingGrains.Infra.Tests;

/// <summary>One real host for the hook tests; each test makes its own tenant.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    private HostProcess? _host;

    internal HostProcess Host => _host ?? throw new InvalidOperationException("The host is not started.");

    public async ValueTask InitializeAsync() => _host = await HostProcess.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>A fresh tenant with one registered deployment; returns its admin and ingest keys.</summary>
    internal async Task<(string Admin, string Ingest)> NewTenantWithDeploymentAsync(string deployment)
    {
        using var http = new HttpClient { BaseAddress = Host.Address };
        var id = "t" + Guid.NewGuid().ToString("N")[..12];
        var created = await Send(http, HttpMethod.Post, "/api/v1/tenants", Host.OperatorKey, new JsonObject { ["id"] = id, ["name"] = "Hook test" });
        var admin = created["adminKey"]!.ToString();
        await Send(http, HttpMethod.Put, $"/api/v1/deployments/{deployment}", admin,
            new JsonObject { ["service"] = "checkout", ["environment"] = "prod", ["capabilities"] = new JsonArray("restart") });
        return (admin, created["ingestKey"]!.ToString());
    }

    /// <summary>The versions registered on a deployment, read with the admin key.</summary>
    internal async Task<JsonArray> VersionsAsync(string deployment, string admin)
    {
        using var http = new HttpClient { BaseAddress = Host.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/deployments/{deployment}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["versions"]!.AsArray();
    }

    private static async Task<JsonObject> Send(HttpClient http, HttpMethod method, string path, string key, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
