using HealingGrains.Abstractions.Grains;

namespace HealingGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class TemplateMinerGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ClusterIdsSurviveDeactivation()
    {
        var miner = fixture.Client.GetGrain<ITemplateMinerGrain>(TestIds.Tenant());
        var first = await miner.AssignAsync(["Worker 12 lost its lease on shard 7", "Queue for queue orders is 93% full"]);

        await miner.Cast<IGrainManagementExtension>().DeactivateOnIdle(TestContext.Current.CancellationToken);
        var after = await miner.AssignAsync(["Worker 40 lost its lease on shard 3", "Queue for queue billing is 99% full"]);

        Assert.Equal(first.Select(a => a.ClusterId), after.Select(a => a.ClusterId));
        Assert.NotEqual(first[0].ClusterId, first[1].ClusterId);
    }

    [Fact]
    public async Task AssignsInInputOrderWithTheLatestTemplate()
    {
        var miner = fixture.Client.GetGrain<ITemplateMinerGrain>(TestIds.Tenant());

        var result = await miner.AssignAsync(["Retrying job alpha in 5 s", "Retrying job beta in 9 s"]);

        Assert.Equal(2, result.Count);
        Assert.Equal(result[0].ClusterId, result[1].ClusterId);
        Assert.Equal(result[0].Template, result[1].Template);
        Assert.Contains("<*>", result[0].Template, StringComparison.Ordinal);
    }
}
