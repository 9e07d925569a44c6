using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace HealingGrains.Storage.Queues;

/// <summary>What the queue streams' batch containers share: their events with a token each, and the publisher's request context.</summary>
internal static class BatchEvents
{
    /// <summary>The events of type <typeparamref name="T"/>, each with the batch's token for its place in the batch.</summary>
    public static IEnumerable<Tuple<T, StreamSequenceToken>> Of<T>(List<object> events, EventSequenceTokenV2 token) =>
        events.Select((e, i) => (Event: e, Index: i))
            .Where(e => e.Event is T)
            .Select(e => Tuple.Create((T)e.Event, (StreamSequenceToken)token.CreateSequenceTokenForEvent(e.Index)));

    /// <summary>Imports the publisher's request context; false when it had none.</summary>
    public static bool ImportRequestContext(Dictionary<string, object>? context)
    {
        if (context is not { Count: > 0 })
        {
            return false;
        }

        RequestContextExtensions.Import(context);
        return true;
    }
}
