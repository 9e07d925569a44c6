using System.Collections.Concurrent;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace HealingGrains.Storage.Queues;

/// <summary>
/// A persistent stream provider whose queues are in the silo's own memory, for a cluster of one silo. Orleans' memory
/// stream keeps each queue in a grain: every publication serialized its events, copied the bytes into a call to the
/// queue's grain, and every read of every queue (each agent reads every few milliseconds, busy or not) was another grain
/// call whose answer was deserialized before delivery. Here a publication puts the batch itself on a queue and a read
/// takes it off; the events reach their consumer as the publisher made them (they are never changed after publishing).
/// A publication is in memory only, as on the memory stream: it is lost with its silo. Only one silo may use it, since
/// a queue's agent on another silo would never see what this one put on it; a cluster of several uses the memory
/// stream or the durable one.
/// </summary>
public sealed class InProcessQueueStreamAdapterFactory : IQueueAdapterFactory, IQueueAdapter, IQueueAdapterCache
{
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly ConcurrentDictionary<QueueId, Queue> _queues = new();

    public InProcessQueueStreamAdapterFactory(string name, int queueCount)
    {
        if (queueCount is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(queueCount), queueCount, "The queue count must be from 1 to 1024.");
        }

        Name = name;
        _mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = queueCount }, name);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public bool IsRewindable => false;

    /// <inheritdoc/>
    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    /// <summary>The factory for <see cref="Orleans.Hosting.SiloBuilderStreamingExtensions.AddPersistentStreams"/>.</summary>
    public static InProcessQueueStreamAdapterFactory Create(string name, int queueCount) => new(name, queueCount);

    /// <inheritdoc/>
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    /// <inheritdoc/>
    public IQueueAdapterCache GetQueueAdapterCache() => this;

    /// <inheritdoc/>
    public IQueueCache CreateQueueCache(QueueId queueId) => new CursorQueueCache();

    /// <inheritdoc/>
    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    /// <inheritdoc/>
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());

    /// <inheritdoc/>
    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new Receiver(QueueOf(queueId));

    /// <inheritdoc/>
    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("The in-process queue stream does not take a sequence token from producers: its queues set the order.", nameof(token));
        }

        var queue = QueueOf(_mapper.GetQueueForStream(streamId));
        queue.Enqueue(streamId, [.. events.Cast<object>()], requestContext);
        return Task.CompletedTask;
    }

    private Queue QueueOf(QueueId queueId) => _queues.GetOrAdd(queueId, _ => new Queue());

    // Publications wait as they came; the agent's read numbers them, so that a queue's numbers follow its order.
    private sealed class Queue
    {
        private readonly ConcurrentQueue<(StreamId StreamId, List<object> Events, Dictionary<string, object>? RequestContext)> _items = new();
        private long _sequence;

        public void Enqueue(StreamId streamId, List<object> events, Dictionary<string, object>? requestContext) =>
            _items.Enqueue((streamId, events, requestContext));

        // Only the queue's pulling agent takes, one read at a time.
        public List<IBatchContainer> Take(int maxCount)
        {
            maxCount = maxCount < 0 ? int.MaxValue : maxCount;
            var taken = new List<IBatchContainer>(Math.Min(maxCount, _items.Count));
            while (taken.Count < maxCount && _items.TryDequeue(out var item))
            {
                taken.Add(new InProcessBatchContainer
                {
                    StreamId = item.StreamId,
                    Events = item.Events,
                    RequestContext = item.RequestContext,
                    Token = new EventSequenceTokenV2(++_sequence),
                });
            }

            return taken;
        }
    }

    private sealed class Receiver(Queue queue) : IQueueAdapterReceiver
    {
        public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

        public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => Task.FromResult<IList<IBatchContainer>>(queue.Take(maxCount));

        public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

        public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;
    }
}

/// <summary>
/// A publication on an in-process queue: the events as published, never serialized. Immutable, so that the delivery to a
/// consumer on this silo passes it without a copy (nobody changes a batch after publishing it).
/// </summary>
[GenerateSerializer, Immutable, Alias("HealingGrains.InProcessBatchContainer")]
public sealed class InProcessBatchContainer : IBatchContainer
{
    /// <summary>The events, in the order published.</summary>
    [Id(0)] public required List<object> Events { get; init; }

    /// <summary>The publisher's request context (trace parent), if any.</summary>
    [Id(1)] public Dictionary<string, object>? RequestContext { get; init; }

    /// <summary>The queue's sequence number of the publication.</summary>
    [Id(2)] public required EventSequenceTokenV2 Token { get; init; }

    /// <inheritdoc/>
    [Id(3)] public required StreamId StreamId { get; init; }

    /// <inheritdoc/>
    public StreamSequenceToken SequenceToken => Token;

    /// <inheritdoc/>
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() => BatchEvents.Of<T>(Events, Token);

    /// <inheritdoc/>
    public bool ImportRequestContext() => BatchEvents.ImportRequestContext(RequestContext);
}
