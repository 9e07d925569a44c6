namespace HealingGrains.Abstractions.State;

/// <summary>A diagnostics batch a grain applied, and when.</summary>
[GenerateSerializer, Alias("HealingGrains.AppliedBatch")]
public sealed class AppliedBatch
{
    /// <summary>The batch id given at ingest.</summary>
    [Id(0)] public Guid BatchId { get; init; }

    /// <summary>When the grain applied it.</summary>
    [Id(1)] public DateTimeOffset AppliedAt { get; init; }
}
