using HealingGrains.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace HealingGrains.Storage.Tests;

/// <summary>The in-process queue stream (one silo): events from many publishers reaching their subscribers exactly once.</summary>
public sealed class InProcessQueueStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
