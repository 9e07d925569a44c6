using System.Text.Json;

namespace HealingGrains.Silo.Tests;

[Collection(HostCollection.Name)]
public sealed class PreventiveApiTests(HostFixture host)
{
    [Fact]
    public async Task MetricEventsFillTheWindowAndARisingMemoryProposesAPreventiveRestartWithItsForecast()
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod", "restart", "scale-out");

        // Two hours of memory, one point a minute.
        var sent = await tenant.Ingest.SendRisingMemoryAsync("shop-prod", TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);

        var action = await tenant.Admin.PendingActionAsync();
        Assert.True(action.GetProperty("preventive").GetBoolean());
        Assert.Equal("restart", action.GetProperty("kind").GetString());
        Assert.Equal("memory.utilization", action.GetProperty("parameters").GetProperty("metric").GetString());
        Assert.Equal(JsonValueKind.Null, action.GetProperty("verification").ValueKind);
        var forecast = action.GetProperty("evidence").GetProperty("forecast");
        Assert.Equal("memory.utilization", forecast.GetProperty("metric").GetString());
        Assert.Equal(1, forecast.GetProperty("limit").GetDouble());
        Assert.Equal(0.914, forecast.GetProperty("current").GetDouble(), 6);
        Assert.True(forecast.GetProperty("slopePerMinute").GetDouble() > 0);
        Assert.True(forecast.GetProperty("minutesToLimit").GetDouble() is > 0 and <= 40);
        Assert.True(forecast.GetProperty("probability").GetDouble() >= 0.8);
        Assert.Equal(0.8, forecast.GetProperty("interventionThreshold").GetDouble());

        var metric = await (await tenant.Admin.GetAsync("/api/v1/deployments/shop-prod/metrics/memory.utilization", Api.Ct)).JsonAsync();
        Assert.Equal(130, metric.GetProperty("count").GetInt32());
        Assert.Equal(130, metric.GetProperty("points").GetArrayLength());
        Assert.Equal("memory", metric.GetProperty("class").GetString());
        Assert.Equal(action.GetProperty("id").GetString(), metric.GetProperty("preventiveActionId").GetString());
        var list = await (await tenant.Admin.GetAsync("/api/v1/deployments/shop-prod/metrics", Api.Ct)).JsonAsync();
        Assert.Equal(0, Assert.Single(list.EnumerateArray()).GetProperty("points").GetArrayLength());
        var deployment = await (await tenant.Admin.GetAsync("/api/v1/deployments/shop-prod", Api.Ct)).JsonAsync();
        Assert.Equal(0.914, deployment.GetProperty("latestMetrics").GetProperty("memory.utilization").GetDouble(), 6);
    }

    [Fact]
    public async Task UnknownDeploymentsAndMetricsAre404()
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod", "restart");

        await ProblemAssert.IsProblemAsync(await tenant.Admin.GetAsync("/api/v1/deployments/nope/metrics", Api.Ct), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await tenant.Admin.GetAsync("/api/v1/deployments/shop-prod/metrics/nope", Api.Ct), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.Ingest.GetAsync("/api/v1/deployments/shop-prod/metrics", Api.Ct)).StatusCode);
    }
}
