using System.Text.Json;

namespace HealingGrains.Silo.Tests;

/// <summary>Small helpers over the public API, as a client would use it.</summary>
internal static class Api
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<HttpResponseMessage> PutDeploymentAsync(this HttpClient admin, string deployment, params string[] capabilities) =>
        admin.PutAsJsonAsync($"/api/v1/deployments/{deployment}", new { service = "shop", environment = "prod", capabilities }, Ct);

    public static Task<HttpResponseMessage> SendErrorsAsync(this HttpClient ingest, string deployment, params string[] messages) =>
        ingest.PostAsJsonAsync("/api/v1/telemetry", new
        {
            deployment,
            events = messages.Select(m => new { kind = "error", timestamp = "2026-11-24T10:00:00Z", service = "shop", message = m }),
        }, Ct);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    /// <summary>Polls the fingerprint list until it satisfies <paramref name="done"/> (stream processing is asynchronous).</summary>
    public static async Task<JsonElement> FingerprintsAsync(this HttpClient admin, string deployment, Func<JsonElement, bool> done, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var list = await (await admin.GetAsync($"/api/v1/fingerprints?deployment={deployment}", Ct)).JsonAsync();
            if (done(list) || DateTime.UtcNow > deadline)
            {
                return list;
            }

            await Task.Delay(20, Ct);
        }
    }

    public static bool OneWithCount(JsonElement list, int count) =>
        list.ValueKind == JsonValueKind.Array && list.GetArrayLength() == 1 && list[0].GetProperty("count").GetInt64() == count;

    /// <summary>
    /// Sends 130 points of <c>memory.utilization</c> ending now, <paramref name="spacing"/> apart: flat at 0.5, then rising
    /// 0.006 a point to 0.914. A minute apart the forecast puts the limit tens of minutes away; two seconds apart, about
    /// a minute.
    /// </summary>
    public static Task<HttpResponseMessage> SendRisingMemoryAsync(this HttpClient ingest, string deployment, TimeSpan spacing)
    {
        var now = DateTimeOffset.UtcNow;
        return ingest.PostAsJsonAsync("/api/v1/telemetry", new
        {
            deployment,
            events = Enumerable.Range(0, 130).Select(i => new
            {
                kind = "metric",
                timestamp = now.Add(spacing * (i - 129)).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                name = "memory.utilization",
                value = 0.5 + (Math.Max(0, i - 60) * 0.006),
            }),
        }, Ct);
    }

    /// <summary>Polls the tenant's pending approvals until there is one (a preventive proposal is asynchronous) and returns the first.</summary>
    public static async Task<JsonElement> PendingActionAsync(this HttpClient admin)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var list = await (await admin.GetAsync("/api/v1/actions?state=pending-approval", Ct)).JsonAsync();
            if (list.GetArrayLength() > 0)
            {
                return list[0];
            }

            Assert.True(DateTime.UtcNow < deadline, "No action is pending approval.");
            await Task.Delay(50, Ct);
        }
    }
}
