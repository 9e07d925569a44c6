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
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        Body.Events.Select((e, i) => (Event: e, Index: i))
            .Where(e => e.Event is T)
            .Select(e => Tuple.Create((T)e.Event, (StreamSequenceToken)Token.CreateSequenceTokenForEvent(e.Index)));

    /// <inheritdoc/>
    public bool ImportRequestContext()
    {
        if (Body.RequestContext is not { Count: > 0 } context)
        {
            return false;
        }

        RequestContextExtensions.Import(context);
        return true;
    }
}
