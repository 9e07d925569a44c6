using HealingGrains.Abstractions.Contracts;
using HealingGrains.Silo.Api;

namespace HealingGrains.Silo.Tests;

/// <summary>
/// The group commit of ingest (<see cref="TelemetryPublisher.Lane"/>): what arrives while a publish is in flight goes
/// out together next; each request completes when, and as, its own batch does.
/// </summary>
public sealed class TelemetryPublisherTests
{
    private static readonly DateTimeOffset Accepted = new(2026, 11, 26, 5, 0, 0, TimeSpan.Zero);

    // A stream whose publishes wait until the test releases them, one by one.
    private sealed class GatedStream
    {
        private readonly Lock _lock = new();
        private readonly List<(DiagnosticBatch Batch, TaskCompletionSource Gate)> _publishes = [];

        public Task PublishAsync(DiagnosticBatch batch)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _publishes.Add((batch, gate));
            }

            return gate.Task;
        }

        public IReadOnlyList<DiagnosticBatch> Batches
        {
            get
            {
                lock (_lock)
                {
                    return [.. _publishes.Select(p => p.Batch)];
                }
            }
        }

        public async Task<DiagnosticBatch> ReleaseAsync(int index, Exception? failure = null)
        {
            TaskCompletionSource gate;
            DiagnosticBatch batch;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (true)
            {
                lock (_lock)
                {
                    if (_publishes.Count > index)
                    {
                        (batch, gate) = _publishes[index];
                        break;
                    }
                }

                Assert.True(DateTime.UtcNow < deadline, $"publish {index} never started");
                await Task.Delay(5, Api.Ct);
            }

            if (failure is null)
            {
                gate.SetResult();
            }
            else
            {
                gate.SetException(failure);
            }

            return batch;
        }
    }

    private static DiagnosticEvent Error(string message, int stackBytes = 0) => new()
    {
        Kind = DiagnosticEventKind.Error,
        Message = message,
        StackTrace = stackBytes == 0 ? null : new string('x', stackBytes),
        Timestamp = Accepted,
    };

    [Fact]
    public async Task RequestsArrivingDuringAPublishGoOutTogetherNextAndEachCompletesWithItsOwnBatch()
    {
        var stream = new GatedStream();
        var lane = new TelemetryPublisher.Lane(stream.PublishAsync);

        // The first request finds the lane idle: it is published at once, alone.
        var first = lane.PublishAsync(Accepted, [Error("a")]);
        Assert.Single(stream.Batches);

        // Three more arrive while it is in flight: they wait, together.
        var waiting = Enumerable.Range(0, 3).Select(i => lane.PublishAsync(Accepted.AddMilliseconds(i + 1), [Error($"b{i}"), Error($"c{i}")])).ToList();
        Assert.Single(stream.Batches);
        Assert.False(first.IsCompleted);

        var firstBatch = await stream.ReleaseAsync(0);
        await first;
        Assert.Equal(["a"], firstBatch.Events.Select(e => e.Message));

        // They went out as one batch, in arrival order, stamped with the earliest acceptance, and none completed before it was published.
        var second = await WaitForBatchAsync(stream, 1);
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        Assert.Equal(["b0", "c0", "b1", "c1", "b2", "c2"], second.Events.Select(e => e.Message));
        Assert.Equal(Accepted.AddMilliseconds(1), second.ReceivedAt);
        Assert.NotEqual(firstBatch.BatchId, second.BatchId);
        await stream.ReleaseAsync(1);
        await Task.WhenAll(waiting);

        // Idle again: the next request is published at once.
        var later = lane.PublishAsync(Accepted, [Error("d")]);
        Assert.Equal(3, stream.Batches.Count);
        await stream.ReleaseAsync(2);
        await later;
    }

    // A failure of the batch itself (here: too large for a queue message once compressed) is that batch's alone.
    [Fact]
    public async Task AFailedPublishFailsOnlyTheRequestsInItsBatchAndTheLaneGoesOn()
    {
        var stream = new GatedStream();
        var lane = new TelemetryPublisher.Lane(stream.PublishAsync);
        var first = lane.PublishAsync(Accepted, [Error("a")]);
        var second = lane.PublishAsync(Accepted, [Error("b")]);
        var third = lane.PublishAsync(Accepted, [Error("c")]);

        await stream.ReleaseAsync(0, new HealingGrains.Storage.Queues.QueueMessageTooLargeException("too large"));
        var failure = await Assert.ThrowsAsync<HealingGrains.Storage.Queues.QueueMessageTooLargeException>(() => first);
        Assert.Equal("too large", failure.Message);

        await stream.ReleaseAsync(1);
        await Task.WhenAll(second, third);
        Assert.Equal(["b", "c"], stream.Batches[1].Events.Select(e => e.Message));
    }

    // Storage down: what waits behind the failed publish fails with it at once (each request a 503), instead of waiting
    // out the timeouts of every group ahead; the next request finds the lane idle and is published at once.
    [Fact]
    public async Task WhenAPublishFindsTheStreamUnavailableTheRequestsWaitingBehindItFailAtOnce()
    {
        var stream = new GatedStream();
        var lane = new TelemetryPublisher.Lane(stream.PublishAsync);
        var first = lane.PublishAsync(Accepted, [Error("a")]);
        var waiting = Enumerable.Range(0, 3).Select(i => lane.PublishAsync(Accepted, [Error($"b{i}", stackBytes: 30_000)])).ToList();

        await stream.ReleaseAsync(0, new TimeoutException("storage is down"));

        await Assert.ThrowsAsync<TimeoutException>(() => first);
        foreach (var request in waiting)
        {
            var failure = await Assert.ThrowsAsync<TimeoutException>(() => request.WaitAsync(TimeSpan.FromSeconds(10), Api.Ct));
            Assert.Equal("storage is down", failure.Message);
        }

        Assert.Single(stream.Batches);
        var later = lane.PublishAsync(Accepted, [Error("c")]);
        await stream.ReleaseAsync(1);
        await later;
        Assert.Equal(["c"], stream.Batches[1].Events.Select(e => e.Message));
    }

    [Fact]
    public async Task AGroupStopsAtOneBatchsSizeAndABigRequestIsPublishedAloneInItsOwnParts()
    {
        var stream = new GatedStream();
        var lane = new TelemetryPublisher.Lane(stream.PublishAsync);
        var first = lane.PublishAsync(Accepted, [Error("a")]);

        // Three requests of 15 KB each: two fit under the 40 KB of a batch, the third opens the next group.
        var mid = Enumerable.Range(0, 3).Select(i => lane.PublishAsync(Accepted, [Error($"m{i}", 15_000)])).ToList();

        // A request bigger than one batch does not wait for the lane: it goes out at once, in parts.
        var big = lane.PublishAsync(Accepted, [Error("big1", 30_000), Error("big2", 30_000)]);
        Assert.Equal(2, stream.Batches.Count);
        Assert.Equal(["big1"], stream.Batches[1].Events.Select(e => e.Message));
        await stream.ReleaseAsync(1);
        Assert.Equal(["big2"], (await WaitForBatchAsync(stream, 2)).Events.Select(e => e.Message));
        await stream.ReleaseAsync(2);
        await big;

        await stream.ReleaseAsync(0);
        await first;
        Assert.Equal(["m0", "m1"], (await WaitForBatchAsync(stream, 3)).Events.Select(e => e.Message));
        await stream.ReleaseAsync(3);
        Assert.Equal(["m2"], (await WaitForBatchAsync(stream, 4)).Events.Select(e => e.Message));
        await stream.ReleaseAsync(4);
        await Task.WhenAll(mid);
        Assert.Equal(5, stream.Batches.Count);

        // Many small events in one request count by their size too: 1,000 of them are more than one batch, in parts.
        var many = lane.PublishAsync(Accepted, [.. Enumerable.Range(0, TelemetryApi.MaxEvents).Select(i => Error($"n{i}"))]);
        await stream.ReleaseAsync(5);
        await stream.ReleaseAsync(6);
        await many;
        Assert.Equal(TelemetryApi.MaxEvents, stream.Batches[5].Events.Count + stream.Batches[6].Events.Count);
        Assert.All(stream.Batches.Skip(3), b => Assert.True(b.Events.Sum(TelemetryParts.EstimatedBytes) <= TelemetryParts.MaxPartBytes));
    }

    private static async Task<DiagnosticBatch> WaitForBatchAsync(GatedStream stream, int index)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (stream.Batches.Count <= index)
        {
            Assert.True(DateTime.UtcNow < deadline, $"batch {index} was never published");
            await Task.Delay(5, Api.Ct);
        }

        return stream.Batches[index];
    }
}
