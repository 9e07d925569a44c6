using Azure.Storage.Queues;
using HealingGrains.Storage.Queues;
using HealingGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Streams;

namespace HealingGrains.Storage.Tests;

/// <summary>The Azure queue stream adapter on Azurite: what a silo's pulling agent sees; each test has queues of its own.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureQueueStreamTests(AzuriteFixture azurite)
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private readonly AzureQueueStreamOptions _options = new()
    {
        ConnectionString = azurite.ConnectionString,
        QueuePrefix = "q" + Guid.NewGuid().ToString("N")[..10],
        QueueCount = 2,
        VisibilityTimeout = TimeSpan.FromSeconds(1),
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMessageComesBackUntilItsDeliveryIsReportedAndIsThenGone()
    {
        var factory = Factory();
        var stream = StreamId.Create("diagnostics", "acme/shop-prod");
        var queueId = factory.GetStreamQueueMapper().GetQueueForStream(stream);
        await (await factory.CreateAdapter()).QueueMessageBatchAsync(stream, ["first", "second"], null, null);

        // Silo A reads it and dies without reporting a delivery: silo B reads it again once it is visible again.
        var a = await ReceiverAsync(factory, queueId);
        var read = Assert.Single(await a.GetQueueMessagesAsync(32, Ct));
        Assert.Equal(stream, read.StreamId);
        Assert.Equal(["first", "second"], read.GetEvents<string>().Select(e => e.Item1));
        var b = await ReceiverAsync(factory, queueId);
        var again = await ReadUntilAsync(b);
        Assert.Equal(["first", "second"], again.GetEvents<string>().Select(e => e.Item1));

        await b.MessagesDeliveredAsync([again], Ct);

        Assert.Equal(0, await ApproximateCountAsync(factory.QueueName(queueId)));
        Assert.Equal(0, ((AzureQueueStreamReceiver)b).PendingCount);
    }

    [Fact]
    public async Task AFailedDeliveryIsForgottenButNotDeleted()
    {
        var factory = Factory();
        var stream = StreamId.Create("diagnostics", "acme/billing");
        var queueId = factory.GetStreamQueueMapper().GetQueueForStream(stream);
        var adapter = await factory.CreateAdapter();
        await adapter.QueueMessageBatchAsync(stream, ["fails"], null, null);
        await adapter.QueueMessageBatchAsync(stream, ["works"], null, null);
        var receiver = await ReceiverAsync(factory, queueId);
        var read = await ReadAtLeastAsync(receiver, 2);

        // The agent reports the cache's oldest messages minus those whose delivery failed.
        await receiver.MessagesDeliveredAsync([.. read.Where(b => b.GetEvents<string>().Single().Item1 == "works")], Ct);

        Assert.Equal(0, ((AzureQueueStreamReceiver)receiver).PendingCount);
        var back = await ReadUntilAsync(receiver);
        Assert.Equal("fails", back.GetEvents<string>().Single().Item1);
        await receiver.MessagesDeliveredAsync([back], Ct);
        Assert.Equal(0, await ApproximateCountAsync(factory.QueueName(queueId)));
    }

    // Through the cache the agent uses: a failed delivery is reported undelivered, even when it is the newest reported
    // (the receiver once inferred failures from gaps before the newest delivered, and so held such a message forever).
    [Fact]
    public async Task BatchesWhoseDeliveryFailedComeBackAndTheDeliveredOneIsDeleted()
    {
        var factory = Factory();
        var stream = StreamId.Create("diagnostics", "acme/orders");
        var queueId = factory.GetStreamQueueMapper().GetQueueForStream(stream);
        var adapter = await factory.CreateAdapter();
        foreach (var text in new[] { "works", "fails once", "fails twice" })
        {
            await adapter.QueueMessageBatchAsync(stream, [text], null, null);
        }

        var receiver = await ReceiverAsync(factory, queueId);
        var read = await ReadAtLeastAsync(receiver, 3);

        var cache = factory.GetQueueAdapterCache().CreateQueueCache(queueId);
        using var cursor = cache.TryGetCacheCursor(stream, read[0].SequenceToken).Cursor!;
        cache.AddToCache(read);

        // The agent delivers "works"; while it retries "fails once", only "works" is purged, reported delivered.
        Assert.Equal("works", Take(cursor));
        Assert.Equal("fails once", Take(cursor));
        Assert.True(cache.TryPurgeFromCache(out var purged));
        Assert.Equal(["works"], Texts(purged, undelivered: false));
        Assert.Empty(Texts(purged, undelivered: true));
        await receiver.MessagesDeliveredAsync(purged, Ct);
        cursor.RecordDeliveryFailure();

        // It gives up on it and then on "fails twice", the newest: both are reported undelivered.
        Assert.Equal("fails twice", Take(cursor));
        cursor.RecordDeliveryFailure();
        Assert.Equal(QueueCacheCursorMoveResultKind.NoData, cursor.MoveNextWithResult().Kind);
        Assert.True(cache.TryPurgeFromCache(out purged));
        Assert.Equal(["fails once", "fails twice"], Texts(purged, undelivered: true));
        Assert.Empty(Texts(purged, undelivered: false));
        await receiver.MessagesDeliveredAsync(purged, Ct);

        Assert.Equal(0, ((AzureQueueStreamReceiver)receiver).PendingCount);
        var back = await ReadAtLeastAsync(receiver, 2);

        Assert.Equal(["fails once", "fails twice"], back.Select(b => b.GetEvents<string>().Single().Item1).Order(StringComparer.Ordinal));
        await receiver.MessagesDeliveredAsync(back, Ct);
        Assert.Equal(0, await ApproximateCountAsync(factory.QueueName(queueId)));
    }

    // Storage stops answering while delivered messages are deleted: every message reported is let go all the same (the
    // receiver no longer keeps it hidden), and those not deleted come back once storage answers again.
    [Fact]
    public async Task MessagesWhoseDeleteFailedAreLetGoAndComeBack()
    {
        var factory = Factory();
        var stream = StreamId.Create("diagnostics", "acme/payments");
        var queueId = factory.GetStreamQueueMapper().GetQueueForStream(stream);
        var adapter = await factory.CreateAdapter();
        await adapter.QueueMessageBatchAsync(stream, ["one"], null, null);
        await adapter.QueueMessageBatchAsync(stream, ["two"], null, null);

        var name = factory.QueueName(queueId);
        var answering = new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }).GetQueueClient(name);
        var closedPort = ClosedPort();
        var down = new QueueClient(
            new Uri($"http://127.0.0.1:{closedPort}/devstoreaccount1/{name}"),
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64, Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(2) } });
        var storageDown = false;
        var receiver = new AzureQueueStreamReceiver(
            () => Task.FromResult(storageDown ? down : answering), new QueueMessageCodec(Serializer), _options.VisibilityTimeout, TimeProvider.System, NullLogger<AzureQueueStreamReceiver>.Instance);
        await receiver.Initialize(TimeSpan.FromSeconds(10), Ct);
        var read = await ReadAtLeastAsync(receiver, 2);

        storageDown = true;
        await Assert.ThrowsAnyAsync<Exception>(() => receiver.MessagesDeliveredAsync(read, Ct));

        Assert.Equal(0, receiver.PendingCount);
        storageDown = false;
        var back = await ReadAtLeastAsync(receiver, 2);

        Assert.Equal(["one", "two"], back.Select(b => b.GetEvents<string>().Single().Item1).Order(StringComparer.Ordinal));
        await receiver.MessagesDeliveredAsync(back, Ct);
        Assert.Equal(0, await ApproximateCountAsync(name));
    }

    [Fact]
    public async Task APublicationTooLargeForOneMessageIsRefusedAndNothingIsQueued()
    {
        var factory = Factory();
        var stream = StreamId.Create("diagnostics", "acme/huge");
        var queueId = factory.GetStreamQueueMapper().GetQueueForStream(stream);
        var incompressible = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(60_000));

        var adapter = await factory.CreateAdapter();

        var refused = await Assert.ThrowsAsync<QueueMessageTooLargeException>(() => adapter.QueueMessageBatchAsync(stream, [incompressible], null, null));

        Assert.Contains("at most", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await ApproximateCountAsync(factory.QueueName(queueId)));
    }

    [Fact]
    public void NeedsAConnectionStringOrAServiceUriAndAValidPrefix()
    {
        Assert.Throws<ArgumentException>(() => new AzureQueueStreamAdapterFactory("s", new AzureQueueStreamOptions(), Serializer, NullLoggerFactory.Instance));
        Assert.Throws<ArgumentException>(() => new AzureQueueStreamAdapterFactory(
            "s", new AzureQueueStreamOptions { ConnectionString = azurite.ConnectionString, QueuePrefix = "Bad_Prefix" }, Serializer, NullLoggerFactory.Instance));
    }

    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Take(IQueueCacheCursor cursor)
    {
        Assert.Equal(QueueCacheCursorMoveResultKind.Success, cursor.MoveNextWithResult().Kind);
        return cursor.GetCurrent(out _)!.GetEvents<string>().Single().Item1;
    }

    private static List<string> Texts(IList<IBatchContainer> batches, bool undelivered) =>
        [.. batches.Where(b => b is UndeliveredBatchContainer == undelivered).Select(b => b.GetEvents<string>().Single().Item1)];

    private AzureQueueStreamAdapterFactory Factory() => new("diagnostics", _options, Serializer, NullLoggerFactory.Instance);

    private static async Task<IQueueAdapterReceiver> ReceiverAsync(AzureQueueStreamAdapterFactory factory, QueueId queueId)
    {
        var receiver = (await factory.CreateAdapter()).CreateReceiver(queueId);
        await receiver.Initialize(TimeSpan.FromSeconds(10));
        return receiver;
    }

    private static async Task<IBatchContainer> ReadUntilAsync(IQueueAdapterReceiver receiver) =>
        Assert.Single(await ReadUntilAsync(receiver, all: false));

    // Reads until at least this many messages came (Azure may return fewer than asked for in one read).
    private static async Task<List<IBatchContainer>> ReadAtLeastAsync(IQueueAdapterReceiver receiver, int count)
    {
        var read = new List<IBatchContainer>();
        while (read.Count < count)
        {
            read.AddRange(await ReadUntilAsync(receiver, all: true));
        }

        return read;
    }

    // Polls as a pulling agent does, until a hidden message is visible again.
    private static async Task<IList<IBatchContainer>> ReadUntilAsync(IQueueAdapterReceiver receiver, bool all)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var read = await receiver.GetQueueMessagesAsync(all ? 32 : 1, Ct);
            if (read.Count > 0)
            {
                return read;
            }

            Assert.True(DateTime.UtcNow < deadline, "the message did not come back after the visibility timeout");
            await Task.Delay(100, Ct);
        }
    }

    // Counts hidden messages too: zero means deleted (or never sent), not merely invisible.
    private async Task<int> ApproximateCountAsync(string queue)
    {
        var client = new QueueServiceClient(azurite.ConnectionString).GetQueueClient(queue);
        return await client.ExistsAsync(Ct) ? (await client.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount : 0;
    }
}
