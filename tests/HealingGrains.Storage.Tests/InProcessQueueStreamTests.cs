using HealingGrains.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;
using Orleans.TestingHost;

namespace HealingGrains.Storage.Tests;

/// <summary>The in-process queue stream (one silo): its cache, and events from many publishers reaching their subscribers exactly once.</summary>
public sealed class InProcessQueueStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly StreamId A = StreamId.Create("ns", "a");
    private static readonly StreamId B = StreamId.Create("ns", "b");

    private static bool Next(IQueueCacheCursor cursor) => cursor.MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success;

    private static InProcessBatchContainer Batch(StreamId stream, long sequence) =>
        new InProcessBatchContainer { StreamId = stream, Events = [$"{stream} {sequence}"], Token = new EventSequenceTokenV2(sequence) };

    // The case Orleans' SimpleQueueCache got wrong: a consumer that has taken everything is idle, and what is read for it
    // next must stay until it takes it, however far the other streams' consumers move on and however often the agent purges.
    [Fact]
    public void ABatchForAnIdleConsumerStaysUntilItIsTaken()
    {
        var cache = new InProcessQueueCache();
        using var a = cache.GetCacheCursor(A, null);
        using var b = cache.GetCacheCursor(B, null);
        Assert.False(Next(a));

        cache.AddToCache([Batch(A, 1), Batch(B, 2), Batch(B, 3)]);
        while (Next(b))
        {
        }

        Assert.False(cache.TryPurgeFromCache(out _));
        cache.AddToCache([Batch(B, 4)]);
        Assert.True(Next(b));
        cache.TryPurgeFromCache(out _);

        Assert.True(Next(a));
        Assert.Equal("ns/a 1", a.GetCurrent(out _)!.GetEvents<string>().Single().Item1);
        Assert.False(Next(a));
        Assert.True(cache.TryPurgeFromCache(out var purged));
        Assert.Equal(4, purged.Count);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void ACursorFromATokenStartsAtThatBatchAndWithoutOneAtTheNewest()
    {
        var cache = new InProcessQueueCache();
        cache.AddToCache([Batch(A, 1), Batch(B, 2), Batch(A, 3), Batch(A, 4)]);

        using var fromToken = cache.GetCacheCursor(A, new EventSequenceTokenV2(2));
        Assert.True(Next(fromToken));
        Assert.Equal(3, fromToken.GetCurrent(out _)!.SequenceToken.SequenceNumber);

        using var newest = cache.GetCacheCursor(A, null);
        Assert.True(Next(newest));
        Assert.Equal(4, newest.GetCurrent(out _)!.SequenceToken.SequenceNumber);
        Assert.False(Next(newest));

        // A token older than anything held starts at the oldest held: what was purged, every cursor had passed.
        using var old = cache.GetCacheCursor(A, new EventSequenceTokenV2(0));
        Assert.True(Next(old));
        Assert.Equal(1, old.GetCurrent(out _)!.SequenceToken.SequenceNumber);
    }

    // An idle consumer (it took all of its stream) holds nothing of another stream's; a consumer behind holds what came
    // after its next batch, and a full cache stops the agent's reads until it catches up.
    [Fact]
    public void AConsumerBehindHoldsTheCacheAndAFullCacheStopsTheReads()
    {
        var cache = new InProcessQueueCache();
        using var idle = cache.GetCacheCursor(B, null);
        Assert.False(Next(idle));
        using var behind = cache.GetCacheCursor(A, null);
        cache.AddToCache([.. Enumerable.Range(0, InProcessQueueCache.MaxBatches).Select(i => Batch(i % 2 == 0 ? A : StreamId.Create("ns", "c"), i))]);
        Assert.True(Next(behind));
        Assert.True(Next(behind));

        Assert.True(cache.TryPurgeFromCache(out var purged));
        Assert.Equal(4, purged.Count);
        Assert.False(cache.IsUnderPressure());
        cache.AddToCache([.. Enumerable.Range(InProcessQueueCache.MaxBatches, 4).Select(i => Batch(A, i))]);
        Assert.False(cache.TryPurgeFromCache(out _));
        Assert.True(cache.IsUnderPressure());
        // The agent still reads (and so purges) while the cache is full: it backs off after purging, not before.
        Assert.Equal(InProcessQueueCache.MaxAddCount, cache.GetMaxAddCount());
        Assert.Throws<ArgumentException>(() => cache.AddToCache([Batch(A, 5)]));
    }

    [Fact]
    public async Task EventsFromManyPublishersReachTheirSubscribersExactlyOnceInOrder()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.AddPersistentStreams("local", (_, name) => InProcessQueueStreamAdapterFactory.Create(name, 2), stream =>
                stream.ConfigurePullingAgent(agent => agent.Configure(o =>
                {
                    o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(5);
                    o.BatchContainerBatchSize = 16;
                })));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync(Ct);
        try
        {
            var silo = cluster.GetSiloServiceProvider().GetRequiredService<IClusterClient>();
            const int Streams = 6;
            const int PerPublisher = 500;
            await Parallel.ForAsync(0, Streams * 4, Ct, async (publisher, ct) =>
            {
                var stream = silo.GetStreamProvider("local").GetStream<string>(StreamId.Create(QueueStreamClusterTests.Namespace, $"s{publisher % Streams}"));
                for (var i = 0; i < PerPublisher; i++)
                {
                    await stream.OnNextAsync($"{publisher}:{i}");
                }
            });

            var deadline = DateTime.UtcNow.AddSeconds(60);
            for (var s = 0; s < Streams; s++)
            {
                var receiver = cluster.Client.GetGrain<IQueueTestReceiverGrain>($"s{s}");
                while (await receiver.CountAsync() < 4 * PerPublisher && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50, Ct);
                }

                var items = await receiver.ItemsAsync();
                Assert.True(items.Count == 4 * PerPublisher, $"stream s{s}: {items.Count} of {4 * PerPublisher} received; " + string.Join(", ", items.Select(i => i.Split(':')).GroupBy(p => p[0]).Select(g => $"{g.Key}: {g.Count()} from {g.Min(p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))} to {g.Max(p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))}")));
                Assert.Equal(4 * PerPublisher, items.Distinct().Count());
                // Each publisher's events arrive in the order it published them.
                foreach (var byPublisher in items.Select(i => i.Split(':')).GroupBy(p => p[0]))
                {
                    Assert.Equal(Enumerable.Range(0, PerPublisher), byPublisher.Select(p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        }
        finally
        {
            await cluster.StopAllSilosAsync(Ct);
            await cluster.DisposeAsync();
        }
    }
}
