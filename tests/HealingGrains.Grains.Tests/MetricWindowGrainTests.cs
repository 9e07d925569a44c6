using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class MetricWindowGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task AWindowKeepsOnlyTheNewestPointsAndSurvivesDeactivation()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        var start = fixture.Time.GetUtcNow().AddHours(-2);

        await world.DeploymentGrain.RecordMetricPointsAsync([.. Enumerable.Range(0, 600).Select(i =>
            new MetricPoint { Name = "queue.length", Timestamp = start.AddSeconds(10 * i), Value = i })]);
        await world.DeploymentGrain.Cast<IGrainManagementExtension>().DeactivateOnIdle(TestContext.Current.CancellationToken);

        var metric = (await world.DeploymentGrain.GetMetricAsync("queue.length"))!;
        Assert.Equal(512, metric.Count);
        Assert.Equal(512, metric.Capacity);
        Assert.Equal(Enumerable.Range(88, 512).Select(i => (double)i), metric.Points.Select(p => p.Value));
        Assert.Equal("queue", metric.Class);
        Assert.Null(metric.Limit);
        Assert.Equal(599, (await world.DeploymentGrain.GetAsync())!.LatestMetrics["queue.length"]);
    }

    [Fact]
    public async Task LatePointsTakeTheirPlaceRepeatedOnesReplaceAndPointsFromTheFutureAreRefused()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        var now = fixture.Time.GetUtcNow();

        await world.DeploymentGrain.RecordMetricPointsAsync([
            new MetricPoint { Name = "cpu.utilization", Timestamp = now.AddMinutes(-1), Value = 0.3 },
            new MetricPoint { Name = "cpu.utilization", Timestamp = now.AddMinutes(-3), Value = 0.1 },
            new MetricPoint { Name = "cpu.utilization", Timestamp = now.AddHours(1), Value = 0.9 }]);
        await world.DeploymentGrain.RecordMetricPointsAsync([
            new MetricPoint { Name = "cpu.utilization", Timestamp = now.AddMinutes(-2), Value = 0.2 },
            new MetricPoint { Name = "cpu.utilization", Timestamp = now.AddMinutes(-1), Value = 0.35 }]);

        var metric = (await world.DeploymentGrain.GetMetricAsync("cpu.utilization"))!;
        Assert.Equal([0.1, 0.2, 0.35], metric.Points.Select(p => p.Value));
        Assert.Equal(1, metric.Limit);
        Assert.Equal(0.35, (await world.DeploymentGrain.GetAsync())!.LatestMetrics["cpu.utilization"]);
    }

    [Fact]
    public async Task MetricNamesAreCappedAndANameSilentForADayGivesWay()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        var now = fixture.Time.GetUtcNow();

        await world.DeploymentGrain.RecordMetricPointsAsync([.. Enumerable.Range(0, 205).Select(i =>
            new MetricPoint { Name = $"custom.{i:D3}", Timestamp = now, Value = i })]);

        var metrics = await world.DeploymentGrain.GetMetricsAsync();
        Assert.Equal(200, metrics.Count);
        Assert.DoesNotContain(metrics, m => m.Name == "custom.204");
        Assert.Equal(200, (await world.DeploymentGrain.GetAsync())!.LatestMetrics.Count);

        fixture.Time.Advance(TimeSpan.FromDays(2));
        await world.DeploymentGrain.RecordMetricPointsAsync([.. Enumerable.Range(1, 199).Select(i =>
            new MetricPoint { Name = $"custom.{i:D3}", Timestamp = fixture.Time.GetUtcNow(), Value = i })]);
        await world.DeploymentGrain.RecordMetricPointsAsync([new MetricPoint { Name = "custom.new", Timestamp = fixture.Time.GetUtcNow(), Value = 1 }]);

        metrics = await world.DeploymentGrain.GetMetricsAsync();
        Assert.Equal(200, metrics.Count);
        Assert.Contains(metrics, m => m.Name == "custom.new");
        Assert.DoesNotContain(metrics, m => m.Name == "custom.000");
    }
}
