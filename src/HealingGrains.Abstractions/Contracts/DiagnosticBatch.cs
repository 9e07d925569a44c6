namespace HealingGrains.Abstractions.Contracts;

/// <summary>The events of one accepted ingest request, published on the deployment's diagnostics stream.</summary>
[GenerateSerializer, Alias("HealingGrains.DiagnosticBatch")]
public sealed class DiagnosticBatch
{
    /// <summary>When the host accepted the request.</summary>
    [Id(0)] public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The events, in the order they were sent.</summary>
    [Id(1)] public IReadOnlyList<DiagnosticEvent> Events { get; init; } = [];

    /// <summary>
    /// Names this batch at ingest, so that a consumer recognises it when a durable stream delivers it again; empty
    /// for batches published before batch ids existed, which are never deduplicated.
    /// </summary>
    [Id(2)] public Guid BatchId { get; init; }
}
