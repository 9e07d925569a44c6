using HealingGrains.Core.Fingerprinting;

namespace HealingGrains.Core.Tests;

public sealed class TemplateMinerTests
{
    [Fact]
    public void MessagesThatDifferOnlyInValuesShareACluster()
    {
        var miner = new TemplateMiner();

        var a = miner.Add("Timeout after 30000 ms calling payments at 10.0.3.7:443");
        var b = miner.Add("Timeout after 12000 ms calling payments at 10.0.9.1:8443");

        Assert.Equal(a.ClusterId, b.ClusterId);
        Assert.True(a.Created);
        Assert.False(b.Created);
        Assert.Equal("Timeout after <*> ms calling payments at <*>", miner.GetTemplate(a.ClusterId));
    }

    [Fact]
    public void DifferentMessagesGetDifferentClusters()
    {
        var miner = new TemplateMiner();

        var a = miner.Add("Connection pool exhausted for database orders");
        var b = miner.Add("Disk quota exceeded on volume data");

        Assert.NotEqual(a.ClusterId, b.ClusterId);
        Assert.Equal(2, miner.ClusterCount);
    }

    [Fact]
    public void GeneralisingATemplateKeepsTheClusterId()
    {
        var miner = new TemplateMiner();

        var first = miner.Add("Worker lost its lease on shard alpha after rebalancing");
        var second = miner.Add("Worker lost its lease on shard beta after rebalancing");

        Assert.Equal(first.ClusterId, second.ClusterId);
        Assert.True(second.TemplateChanged);
        Assert.Equal("Worker lost its lease on shard <*> after rebalancing", second.Template);
    }

    [Fact]
    public void IdsAreDeterministicForTheSameInput()
    {
        var one = new TemplateMiner().Add("Queue orders is 93% full");
        var two = new TemplateMiner().Add("Queue orders is 93% full");

        Assert.Equal(one.ClusterId, two.ClusterId);
        Assert.Matches("^[0-9a-f]{16}$", one.ClusterId);
    }

    [Fact]
    public void ASnapshotRestoresIdsTemplatesAndMatching()
    {
        var miner = new TemplateMiner();
        var lease = miner.Add("Worker lost its lease on shard alpha after rebalancing").ClusterId;
        miner.Add("Worker lost its lease on shard beta after rebalancing");
        var disk = miner.Add("Disk /var/data is 97% full").ClusterId;

        var restored = TemplateMiner.Restore(miner.Snapshot());

        Assert.Equal(2, restored.ClusterCount);
        Assert.Equal(miner.GetTemplate(lease), restored.GetTemplate(lease));
        Assert.Equal(lease, restored.Add("Worker lost its lease on shard gamma after rebalancing").ClusterId);
        Assert.Equal(disk, restored.Match("Disk /srv/other is 12% full")?.ClusterId);
    }

    [Fact]
    public void MatchDoesNotLearn()
    {
        var miner = new TemplateMiner();

        Assert.Null(miner.Match("Never seen before"));
        Assert.Equal(0, miner.ClusterCount);
    }

    [Fact]
    public void TheClusterCapEvictsTheLeastRecentlyMatched()
    {
        var miner = new TemplateMiner(new TemplateMinerOptions { MaxClusters = 10 });
        var keep = miner.Add("kept message alive").ClusterId;
        for (var i = 0; i < 30; i++)
        {
            miner.Add($"distinct{i} words{i} here{i} xx{(char)('a' + (i % 26))}");
            miner.Add("kept message alive");
        }

        Assert.True(miner.ClusterCount <= 10);
        Assert.Equal(keep, miner.Match("kept message alive")?.ClusterId);
    }

    [Fact]
    public void ListsOfIdsOfAnyLengthShareATemplate()
    {
        var miner = new TemplateMiner();

        var a = miner.Add("ask 10.0.0.1:50010 to delete blk_1 blk_2 blk_3");
        var b = miner.Add("ask 10.0.0.2:50010 to delete blk_9");

        Assert.Equal(a.ClusterId, b.ClusterId);
    }

    [Fact]
    public void UnknownClusterIdsAreReported() =>
        Assert.Throws<KeyNotFoundException>(() => new TemplateMiner().GetTemplate("0000000000000000"));
}
