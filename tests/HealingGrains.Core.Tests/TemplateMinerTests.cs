using HealingGrains.Core.Fingerprinting;

namespace HealingGrains.Core.Tests;

public sealed class TemplateMinerTests(ITestOutputHelper output)
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

    [Theory]
    [InlineData("[instance: 3f2504e0-4f89-11d3-9a0c-0305e82c3301] VM Paused (Lifecycle Event)", "[instance: 9a0c0305-4f89-11d3-9a0c-0305e82c3301] VM Resumed (Lifecycle Event)")]
    [InlineData("Order 7 moved to state=RUNNING by scheduler", "Order 9 moved to state=FAILED by scheduler")]
    [InlineData("onReceive action: android.intent.action.SCREEN_ON", "onReceive action: android.intent.action.SCREEN_OFF")]
    [InlineData("authentication failure; rhost=10.0.0.7 user=root", "authentication failure; rhost=10.0.0.9 user=guest")]
    [InlineData("session opened by (uid=0)", "session opened by LOGIN(uid=0)")]
    public void MessagesThatDifferInAWordAreDifferentEvents(string one, string two)
    {
        var miner = new TemplateMiner();

        Assert.NotEqual(miner.Add(one).ClusterId, miner.Add(two).ClusterId);
    }

    [Theory]
    [InlineData("session opened for user cyrus by (uid=0)", "session opened for user news by (uid=0)")]
    [InlineData("received broadcast android.intent.action.TIME_TICK from com.android.phone", "received broadcast com.example.Refresh from com.example.app")]
    [InlineData("acquire lock=1, flags=0x1, name=com.android.systemui, uid=10037", "acquire lock=2, flags=0x1, name=android, uid=1000")]
    [InlineData("connection from 10.0.0.1 (host-10-0-0-1.example.net) at Fri Jun 17 07:07:00 2005", "connection from 10.0.0.2 () at Mon Jun 20 03:40:59 2005")]
    public void NamesAndQualifiedNamesAreValues(string one, string two)
    {
        var miner = new TemplateMiner();

        Assert.Equal(miner.Add(one).ClusterId, miner.Add(two).ClusterId);
    }

    [Fact]
    public void TheSameErrorFromAnotherBuildHostAndRunKeepsItsCluster()
    {
        var miner = new TemplateMiner();
        var first = miner.Add("Unhandled exception in OrderService.cs line 212 on host web-7.prod.example.com: timeout after 3000 ms (attempt 3)");

        var later = miner.Add("Unhandled exception in OrderService.cs line 240 on host web-12.prod.example.com: timeout after 4500 ms (attempt 1)");
        var restored = TemplateMiner.Restore(miner.Snapshot())
            .Add("Unhandled exception in OrderService.cs line 198 on host 10.2.0.14: timeout after 12 ms (attempt 2)");

        Assert.Equal(first.ClusterId, later.ClusterId);
        Assert.Equal(first.ClusterId, restored.ClusterId);
    }

    [Fact]
    public void MemoryIsBoundedByTheClusterAndShapeCaps()
    {
        var miner = new TemplateMiner(new TemplateMinerOptions { MaxClusters = 50, MaxShapes = 120 });
        var random = new Random(7);
        for (var i = 0; i < 5_000; i++)
        {
            // Random words: every message a new event, and most a new shape.
            var words = Enumerable.Range(0, 6).Select(_ => new string((char)('a' + random.Next(26)), 1 + random.Next(8)));
            miner.Add(string.Join(' ', words) + " " + i);
            Assert.InRange(miner.ClusterCount, 1, 55);
            Assert.InRange(miner.ShapeCount, 1, 120);
        }
    }

    [Fact]
    public void ClustersMinedByTheFirstConfigurationKeepTheirIdsUnderTheCurrentOne()
    {
        // As grouping configuration v1 stored them: its tokenizer kept "blk_" and "/" around variables.
        var v1 = new[]
        {
            new TemplateClusterSnapshot("0a1b2c3d4e5f6071", ["Receiving", "block", "blk_<*>", "src:", "/<*>", "dest:", "/<*>"], 40, 40),
            new TemplateClusterSnapshot("1b2c3d4e5f607182", ["PacketResponder", "<*>", "for", "block", "blk_<*>", "terminating"], 12, 41),
        };

        var miner = TemplateMiner.Restore(v1);

        Assert.Equal(TemplateMinerOptions.CurrentVersion, miner.Options.ConfigVersion);
        Assert.Equal("0a1b2c3d4e5f6071", miner.Add("Receiving block blk_-160899 src: /10.251.42.84:57069 dest: /10.251.42.84:50010").ClusterId);
        Assert.Equal("1b2c3d4e5f607182", miner.Add("PacketResponder 2 for block blk_38865 terminating").ClusterId);
        Assert.Equal(2, miner.ClusterCount);
    }

    [Fact]
    public void WithBothCapsFullAMinerHoldsLessThan48Megabytes()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var miner = new TemplateMiner();
        var random = new Random(11);
        string Word() => new([.. Enumerable.Range(0, 3 + random.Next(6)).Select(_ => (char)('a' + random.Next(26)))]);

        // 12,000 distinct 15-token events fill the cluster cap; then 40,000 messages of 20 events, each naming another
        // user and host, fill the shape cap to just under 50,000.
        for (var i = 0; i < 12_000; i++)
        {
            miner.Add(string.Join(' ', Enumerable.Range(0, 14).Select(_ => Word())) + " " + i);
        }

        for (var i = 0; i < 40_000; i++)
        {
            miner.Add($"event{i % 20} failed for user {Word()} on host {Word()} after {i} ms with code {i % 7} and no retry left");
        }

        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        output.WriteLine($"{miner.ClusterCount} clusters, {miner.ShapeCount} shapes: {held / 1024.0 / 1024.0:F1} MiB");
        Assert.InRange(miner.ClusterCount, 9_000, miner.Options.MaxClusters);
        Assert.InRange(miner.ShapeCount, 45_000, miner.Options.MaxShapes);
        Assert.InRange(held, 1, 48L * 1024 * 1024);
        GC.KeepAlive(miner);
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
