using System.Collections.Concurrent;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Streams;

namespace HealingGrains.Storage.Queues;

/// <summary>
/// A persistent stream provider on Azure Storage queues. A publication is one queue message, sent before
/// <c>OnNextAsync</c> returns; a silo's pulling agent reads its queues and deletes a message only once its events were
/// delivered, so a message whose silo died is read again by another (at-least-once: consumers deduplicate). Its agents
/// cache reads in <see cref="CursorQueueCache"/>, which reports a batch delivered only once its consumers took it
/// (Orleans' <c>SimpleQueueCache</c> could purge a batch before an idle consumer was given it, and so delete it).
/// </summary>
public sealed partial class AzureQueueStreamAdapterFactory : IQueueAdapterFactory, IQueueAdapter, IQueueAdapterCache
{
    private readonly AzureQueueStreamOptions _options;
    private readonly QueueServiceClient _service;
    private readonly QueueMessageCodec _codec;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly ConcurrentDictionary<QueueId, Lazy<Task<QueueClient>>> _queues = new();

    public AzureQueueStreamAdapterFactory(string name, AzureQueueStreamOptions options, Serializer serializer, ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!AzureQueueStreamOptions.IsValidPrefix(options.QueuePrefix))
        {
            throw new ArgumentException($"The queue prefix '{options.QueuePrefix}' is not a valid start of an Azure queue name: use lowercase letters, digits and single hyphens.", nameof(options));
        }

        if (options.QueueCount is < 1 or > 1024)
        {
            throw new ArgumentException($"The queue count {options.QueueCount} must be from 1 to 1024.", nameof(options));
        }

        var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        StorageRetry.Apply(clientOptions.Retry, options.NetworkTimeout, options.MaxRetries);
        _service = options switch
        {
            { ConnectionString: { Length: > 0 } connection } => new QueueServiceClient(connection, clientOptions),
            { ServiceUri: { } uri } => new QueueServiceClient(uri, new DefaultAzureCredential(), clientOptions),
            _ => throw new ArgumentException("Give the Azure queue stream a ConnectionString (Azurite) or a ServiceUri (managed identity).", nameof(options)),
        };
        Name = name;
        _options = options;
        _codec = new QueueMessageCodec(serializer);
        _loggerFactory = loggerFactory;
        _time = time ?? TimeProvider.System;
        _logger = loggerFactory.CreateLogger<AzureQueueStreamAdapterFactory>();
        _mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = options.QueueCount }, name);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public bool IsRewindable => false;

    /// <inheritdoc/>
    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    /// <summary>The factory for <see cref="Orleans.Hosting.SiloBuilderStreamingExtensions.AddPersistentStreams"/>.</summary>
    public static AzureQueueStreamAdapterFactory Create(IServiceProvider services, string name, AzureQueueStreamOptions options) =>
        new(name, options, services.GetRequiredService<Serializer>(), services.GetRequiredService<ILoggerFactory>(), services.GetService<TimeProvider>());

    /// <summary>The Azure queue that holds the messages of <paramref name="queueId"/>.</summary>
    public string QueueName(QueueId queueId) =>
        $"{_options.QueuePrefix}-{queueId.GetNumericId().ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <inheritdoc/>
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    /// <inheritdoc/>
    public IQueueAdapterCache GetQueueAdapterCache() => this;

    /// <inheritdoc/>
    public IQueueCache CreateQueueCache(QueueId queueId) => new CursorQueueCache(tracksDeliveries: true);

    /// <inheritdoc/>
    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    /// <inheritdoc/>
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());

    /// <inheritdoc/>
    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        new AzureQueueStreamReceiver(() => QueueAsync(queueId), _codec, _options.VisibilityTimeout, _time, _loggerFactory.CreateLogger<AzureQueueStreamReceiver>());

    /// <inheritdoc/>
    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("The Azure queue stream does not take a sequence token from producers: its queues set the order.", nameof(token));
        }

        var message = _codec.Encode(new QueueMessageBody { StreamId = streamId, Events = [.. events.Cast<object>()], RequestContext = requestContext });
        var queueId = _mapper.GetQueueForStream(streamId);
        var queue = await QueueAsync(queueId);

        // A message lives until a silo delivered it: no time-to-live, so a long outage of every silo loses nothing.
        await queue.SendMessageAsync(message, visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1));
    }

    private Task<QueueClient> QueueAsync(QueueId queueId)
    {
        var lazy = _queues.GetOrAdd(queueId, id => new Lazy<Task<QueueClient>>(() => CreateQueueAsync(id)));
        var task = lazy.Value;
        if (task.IsFaulted)
        {
            // A storage outage at the first use must not poison the queue for the silo's lifetime.
            _queues.TryRemove(new KeyValuePair<QueueId, Lazy<Task<QueueClient>>>(queueId, lazy));
        }

        return task;
    }

    private async Task<QueueClient> CreateQueueAsync(QueueId queueId)
    {
        var queue = _service.GetQueueClient(QueueName(queueId));
        if ((await queue.CreateIfNotExistsAsync()) is not null)
        {
            LogQueueCreated(_logger, queue.Name);
        }

        return queue;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the stream queue {Queue}")]
    private static partial void LogQueueCreated(ILogger logger, string queue);
}
