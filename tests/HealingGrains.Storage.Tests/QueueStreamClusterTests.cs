using Azure.Storage.Queues;
using HealingGrains.Storage.Queues;
using HealingGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Orleans.Streams.Core;
using Orleans.TestingHost;

namespace HealingGrains.Storage.Tests;

/// <summary>The Azure queue stream provider in a silo: events reach an implicit subscriber and their messages are deleted.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueueStreamClusterTests(AzuriteFixture azurite)
{
    public const string Namespace = "queue-test";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EventsReachTheSubscriberAndTheirMessagesAreDeleted()
    {
        var prefix = "c" + Guid.NewGuid().ToString("N")[..10];
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.AddAzureQueueStreams("queued", _ => new AzureQueueStreamOptions
            {
                ConnectionString = azurite.ConnectionString,
                QueuePrefix = prefix,
                QueueCount = 1,
                VisibilityTimeout = TimeSpan.FromSeconds(5),
            });
        });
        var cluster = builder.Build();
        await cluster.DeployAsync(Ct);
        try
        {
            // The producer is the silo's own client, as in the host (the test cluster's external client has no providers).
            var silo = cluster.GetSiloServiceProvider().GetRequiredService<IClusterClient>();
            var stream = silo.GetStreamProvider("queued").GetStream<string>(StreamId.Create(Namespace, "k1"));
            for (var i = 0; i < 5; i++)
            {
                await stream.OnNextAsync($"event {i}");
            }

            var receiver = cluster.Client.GetGrain<IQueueTestReceiverGrain>("k1");
            var queue = new QueueServiceClient(azurite.ConnectionString).GetQueueClient($"{prefix}-0");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await receiver.CountAsync() < 5 || (await queue.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount > 0)
            {
                Assert.True(DateTime.UtcNow < deadline,
                    $"received {await receiver.CountAsync()} of 5, {(await queue.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount} messages still queued");
                await Task.Delay(100, Ct);
            }

            Assert.Equal(5, await receiver.CountAsync());
        }
        finally
        {
            await cluster.StopAllSilosAsync(Ct);
            await cluster.DisposeAsync();
        }
    }
}

public interface IQueueTestReceiverGrain : IGrainWithStringKey
{
    Task<int> CountAsync();

    Task<List<string>> ItemsAsync();
}

[ImplicitStreamSubscription(QueueStreamClusterTests.Namespace)]
public sealed class QueueTestReceiverGrain : Grain, IQueueTestReceiverGrain, IAsyncObserver<string>, IStreamSubscriptionObserver
{
    private readonly List<string> _items = [];

    public Task<int> CountAsync() => Task.FromResult(_items.Count);

    public Task<List<string>> ItemsAsync() => Task.FromResult(_items.ToList());

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<string>().ResumeAsync(this);

    public Task OnNextAsync(string item, StreamSequenceToken? token = null)
    {
        _items.Add(item);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
