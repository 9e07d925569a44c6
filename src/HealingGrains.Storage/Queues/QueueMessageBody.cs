namespace HealingGrains.Storage.Queues;

/// <summary>What one queue message carries: the events of one <c>OnNextAsync</c> of one stream.</summary>
[GenerateSerializer, Alias("HealingGrains.QueueMessageBody")]
public sealed class QueueMessageBody
{
    /// <summary>The stream the events were published on.</summary>
    [Id(0)] public StreamId StreamId { get; init; }

    /// <summary>The events, in order.</summary>
    [Id(1)] public List<object> Events { get; init; } = [];

    /// <summary>The producer's request context, if it had one.</summary>
    [Id(2)] public Dictionary<string, object>? RequestContext { get; init; }
}
