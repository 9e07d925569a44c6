using System.Text;
using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Silo.Api;

/// <summary>
/// Cuts the events of one request into batches small enough for one message of the durable stream (an Azure queue
/// message holds 64 KiB), each with its own batch id, so that a consumer can recognise a batch delivered twice.
/// </summary>
internal static class TelemetryParts
{
    /// <summary>The most estimated bytes of events in one batch: under a queue message's capacity even uncompressed.</summary>
    public const int MaxPartBytes = 40_000;

    public static IReadOnlyList<DiagnosticBatch> Split(DateTimeOffset receivedAt, IReadOnlyList<DiagnosticEvent> events)
    {
        var parts = new List<DiagnosticBatch>();
        var current = new List<DiagnosticEvent>();
        var bytes = 0;
        foreach (var e in events)
        {
            var size = EstimatedBytes(e);
            if (current.Count > 0 && bytes + size > MaxPartBytes)
            {
                parts.Add(Batch(receivedAt, current));
                current = [];
                bytes = 0;
            }

            current.Add(e);
            bytes += size;
        }

        if (current.Count > 0 || parts.Count == 0)
        {
            parts.Add(Batch(receivedAt, current));
        }

        return parts;
    }

    /// <summary>An upper bound of the event's serialized size: its strings in UTF-8 and a little for the rest.</summary>
    public static int EstimatedBytes(DiagnosticEvent e)
    {
        var bytes = 64 + Utf8(e.Service) + Utf8(e.Version) + Utf8(e.Message) + Utf8(e.ExceptionType) + Utf8(e.StackTrace) + Utf8(e.Name);
        if (e.Attributes is { } attributes)
        {
            foreach (var (key, value) in attributes)
            {
                bytes += 8 + Utf8(key) + Utf8(value);
            }
        }

        return bytes;
    }

    private static int Utf8(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text) + 4;

    private static DiagnosticBatch Batch(DateTimeOffset receivedAt, List<DiagnosticEvent> events) =>
        new() { ReceivedAt = receivedAt, Events = events, BatchId = Guid.NewGuid() };
}
