using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace HealingGrains.Storage.Queues;

/// <summary>A queue message as the pulling agent delivers it: its body and the place the receiver gave it.</summary>
[GenerateSerializer, Alias("HealingGrains.QueueBatchContainer")]
public sealed class QueueBatchContainer : IBatchContainer
{
    /// <summary>What the message carried.</summary>
    [Id(0)] public required QueueMessageBody Body { get; init; }

    /// <summary>The receiver's sequence number of the message; it orders messages of one queue on one silo only.</summary>
    [Id(1)] public required EventSequenceTokenV2 Token { get; init; }

    /// <inheritdoc/>
    public StreamId StreamId => Body.StreamId;

    /// <inheritdoc/>
    public StreamSequenceToken SequenceToken => Token;

    /// <inheritdoc/>
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() => BatchEvents.Of<T>(Body.Events, Token);

    /// <inheritdoc/>
    public bool ImportRequestContext() => BatchEvents.ImportRequestContext(Body.RequestContext);
}
