namespace HealingGrains.Abstractions.Contracts;

/// <summary>One reported value of one metric.</summary>
[GenerateSerializer, Immutable, Alias("HealingGrains.MetricPoint")]
public sealed class MetricPoint
{
    /// <summary>The metric's name.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>When it was measured (the sender's clock).</summary>
    [Id(1)] public DateTimeOffset Timestamp { get; init; }

    /// <summary>The value (finite).</summary>
    [Id(2)] public double Value { get; init; }
}
