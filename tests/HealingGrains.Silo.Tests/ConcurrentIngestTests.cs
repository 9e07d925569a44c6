namespace HealingGrains.Silo.Tests;

/// <summary>Many small requests at once to one deployment, as the host groups them on its stream (<c>TelemetryPublisher</c>).</summary>
[Collection(HostCollection.Name)]
public sealed class ConcurrentIngestTests(HostFixture host)
{
    [Fact]
    public async Task ConcurrentSingleEventRequestsAreEachAcknowledgedAndCountedExactlyOnce()
    {
        var tenant = await host.NewTenantAsync();
        Assert.True((await tenant.Admin.PutDeploymentAsync("shop-prod")).IsSuccessStatusCode);

        // 300 requests of one event each, 50 in flight at a time, with two kinds of message.
        const int requests = 300;
        using var inFlight = new SemaphoreSlim(50);
        var answers = await Task.WhenAll(Enumerable.Range(0, requests).Select(async i =>
        {
            await inFlight.WaitAsync(Api.Ct);
            try
            {
                return await tenant.Ingest.SendErrorsAsync("shop-prod", i % 3 == 0 ? $"Payment {i} declined by the gateway" : $"Timeout after {i} ms calling inventory");
            }
            finally
            {
                inFlight.Release();
            }
        }));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));

        var list = await tenant.Admin.FingerprintsAsync("shop-prod", l => l.GetArrayLength() == 2 && l.EnumerateArray().Sum(f => f.GetProperty("count").GetInt64()) == requests);
        Assert.Equal(
            [100L, 200L],
            list.EnumerateArray().Select(f => f.GetProperty("count").GetInt64()).Order());

        // A deployment never registered is refused, also once the host has remembered the tenant's registered one.
        var unknown = await tenant.Ingest.SendErrorsAsync("shop-staging", "Timeout after 5 ms calling inventory");
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound);
    }
}
