using HealingGrains.Grains.Telemetry;

namespace HealingGrains.Silo.Tests;

/// <summary>Overload protection on the ingest endpoints: a tenant over its rate gets 429, a lagging host 503, both with Retry-After.</summary>
public sealed class AdmissionTests : IAsyncLifetime
{
    private readonly HealingHost _host = new(HealingHost.NewDataDirectory(), HostFixture.OperatorKey, new Dictionary<string, string?>
    {
        ["HealingGrains:Admission:TenantRequestsPerSecond"] = "1",
        ["HealingGrains:Admission:TenantBurst"] = "3",
    });

    public ValueTask InitializeAsync()
    {
        _ = _host.Server;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task<(HttpClient Admin, HttpClient Ingest)> TenantAsync(string id)
    {
        var created = await (await _host.ClientWithKey(HostFixture.OperatorKey).PostAsJsonAsync("/api/v1/tenants", new { id, name = id }, Api.Ct)).JsonAsync();
        var admin = _host.ClientWithKey(created.GetProperty("adminKey").GetString()!);
        Assert.True((await admin.PutDeploymentAsync("shop-prod")).IsSuccessStatusCode);
        return (admin, _host.ClientWithKey(created.GetProperty("ingestKey").GetString()!));
    }

    [Fact]
    public async Task ATenantOverItsRateIsToldToRetryLaterAndOtherTenantsAreNot()
    {
        var (_, noisy) = await TenantAsync("noisy");
        var (_, quiet) = await TenantAsync("quiet");

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await noisy.SendErrorsAsync("shop-prod", $"Order {i} failed"));
        }

        Assert.Equal(HttpStatusCode.Accepted, answers[0].StatusCode);
        var refused = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Contains("ingest requests per second", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, (await quiet.SendErrorsAsync("shop-prod", "Order 1 failed")).StatusCode);

        // OTLP is ingest too, answered in its own protocol.
        var otlp = await noisy.PostAsync("/v1/logs", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), Api.Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, otlp.StatusCode);
        Assert.True(otlp.Headers.Contains("Retry-After"));
        Assert.Equal("application/json", otlp.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task WhileProcessingLagsTheHostShedsIngestWith503AndTakesItAgainOnceCaughtUp()
    {
        var (admin, ingest) = await TenantAsync("lagging");
        var pressure = _host.Services.GetRequiredService<IngestPressure>();

        pressure.Observe(TimeSpan.FromSeconds(30));
        var shed = await ingest.SendErrorsAsync("shop-prod", "Order 1 failed");

        var problem = await ProblemAssert.IsProblemAsync(shed, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("lags", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("1", shed.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/fingerprints?deployment=shop-prod", Api.Ct)).StatusCode);

        // Caught up: the average falls under the limit as fresh batches are processed quickly.
        for (var i = 0; i < 60; i++)
        {
            pressure.Observe(TimeSpan.FromMilliseconds(5));
        }

        Assert.Equal(HttpStatusCode.Accepted, (await ingest.SendErrorsAsync("shop-prod", "Order 2 failed")).StatusCode);
    }
}
