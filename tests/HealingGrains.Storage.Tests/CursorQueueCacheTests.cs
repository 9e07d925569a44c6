using HealingGrains.Storage.Queues;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace HealingGrains.Storage.Tests;

/// <summary>
/// The pulling agents' cache of both queue streams: what it holds for which consumer, what its purge reports delivered, and
/// (on the durable stream, which tracks deliveries) what it reports undelivered.
/// </summary>
public sealed class CursorQueueCacheTests
{
    private static readonly StreamId A = StreamId.Create("ns", "a");
    private static readonly StreamId B = StreamId.Create("ns", "b");

    private static bool Next(IQueueCacheCursor cursor) => cursor.MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success;

    private static InProcessBatchContainer Batch(StreamId stream, long sequence) =>
        new InProcessBatchContainer { StreamId = stream, Events = [$"{stream} {sequence}"], Token = new EventSequenceTokenV2(sequence) };

    private static IList<IBatchContainer> Purge(CursorQueueCache cache) => cache.TryPurgeFromCache(out var purged) ? purged : [];

    private static long[] Delivered(IList<IBatchContainer> purged) =>
        [.. purged.Where(b => b is not UndeliveredBatchContainer).Select(b => b.SequenceToken.SequenceNumber)];

    private static long[] Undelivered(IList<IBatchContainer> purged) =>
        [.. purged.OfType<UndeliveredBatchContainer>().Select(b => b.SequenceToken.SequenceNumber)];

    // The case Orleans' SimpleQueueCache got wrong: a consumer that has taken everything is idle, and what is read for it
    // next must stay until it takes it, however far the other streams' consumers move on and however often the agent purges.
    [Fact]
    public void ABatchForAnIdleConsumerStaysUntilItIsTaken()
    {
        var cache = new CursorQueueCache();
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
        var cache = new CursorQueueCache();
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
        var cache = new CursorQueueCache();
        using var idle = cache.GetCacheCursor(B, null);
        Assert.False(Next(idle));
        using var behind = cache.GetCacheCursor(A, null);
        cache.AddToCache([.. Enumerable.Range(0, CursorQueueCache.MaxBatches).Select(i => Batch(i % 2 == 0 ? A : StreamId.Create("ns", "c"), i))]);
        Assert.True(Next(behind));
        Assert.True(Next(behind));

        Assert.True(cache.TryPurgeFromCache(out var purged));
        Assert.Equal(4, purged.Count);
        Assert.False(cache.IsUnderPressure());
        cache.AddToCache([.. Enumerable.Range(CursorQueueCache.MaxBatches, 4).Select(i => Batch(A, i))]);
        Assert.False(cache.TryPurgeFromCache(out _));
        Assert.True(cache.IsUnderPressure());
        // The agent still reads (and so purges) while the cache is full: it backs off after purging, not before.
        Assert.Equal(CursorQueueCache.MaxAddCount, cache.GetMaxAddCount());
        Assert.Throws<ArgumentException>(() => cache.AddToCache([Batch(A, 5)]));
    }

    // On the durable stream the agent delivers one batch per call and takes again after it: the batch taken last is not
    // purged (and so not deleted from its queue) while its delivery may still fail, only once the consumer takes again.
    [Fact]
    public void ABatchInDeliveryStaysUntilTheConsumerTakesAgain()
    {
        var cache = new CursorQueueCache(tracksDeliveries: true);
        using var a = cache.GetCacheCursor(A, new EventSequenceTokenV2(1));
        using var b = cache.GetCacheCursor(B, new EventSequenceTokenV2(1));
        cache.AddToCache([Batch(A, 1), Batch(A, 2), Batch(B, 3)]);

        Assert.True(Next(a));
        Assert.True(Next(b));
        Assert.Empty(Purge(cache));
        Assert.True(Next(a));
        Assert.Equal([1L], Delivered(Purge(cache)));

        // Finding none, the consumer of A is idle and holds nothing; B's batch is still in delivery.
        Assert.False(Next(a));
        Assert.Equal([2L], Delivered(Purge(cache)));
        Assert.False(Next(b));
        Assert.Equal([3L], Delivered(Purge(cache)));
        Assert.Equal(0, cache.Count);
    }

    // A delivery the agent gave up on (after its own retries) is reported undelivered, so its message is read again; the
    // stream's next batches and the other streams' are reported delivered as usual.
    [Fact]
    public void AFailedDeliveryIsReportedUndelivered()
    {
        var cache = new CursorQueueCache(tracksDeliveries: true);
        using var a = cache.GetCacheCursor(A, new EventSequenceTokenV2(1));
        using var b = cache.GetCacheCursor(B, new EventSequenceTokenV2(1));
        cache.AddToCache([Batch(A, 1), Batch(B, 2), Batch(A, 3), Batch(A, 4)]);

        Assert.True(Next(a));
        a.RecordDeliveryFailure();
        Assert.True(Next(b));
        Assert.False(Next(b));
        Assert.True(Next(a));
        Assert.True(Next(a));
        a.RecordDeliveryFailure();
        Assert.False(Next(a));

        var purged = Purge(cache);
        Assert.Equal([1L, 2L, 3L, 4L], purged.Select(p => p.SequenceToken.SequenceNumber));
        Assert.Equal([2L, 3L], Delivered(purged));
        Assert.Equal([1L, 4L], Undelivered(purged));
        Assert.Equal(0, cache.Count);
    }

    // The in-process stream has nowhere to read a batch again from: its cache holds nothing for a delivery and reports
    // every batch delivered.
    [Fact]
    public void WithoutTrackingNothingIsHeldForADeliveryOrReportedUndelivered()
    {
        var cache = new CursorQueueCache();
        using var a = cache.GetCacheCursor(A, new EventSequenceTokenV2(1));
        cache.AddToCache([Batch(A, 1), Batch(A, 2)]);

        Assert.True(Next(a));
        a.RecordDeliveryFailure();
        Assert.Equal([1L], Delivered(Purge(cache)));
    }
}
