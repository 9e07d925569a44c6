namespace HealingGrains.Abstractions.Contracts;

/// <summary>One metric of a deployment: its window of recent points and what they predict.</summary>
[GenerateSerializer, Alias("HealingGrains.MetricWindowInfo")]
public sealed class MetricWindowInfo
{
    /// <summary>The metric's name.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>What its name says it measures: memory, queue, disk, load or unknown.</summary>
    [Id(1)] public required string Class { get; init; }

    /// <summary>The saturation limit (1 or 100); null when it has none.</summary>
    [Id(2)] public double? Limit { get; init; }

    /// <summary>How many points the window holds, and at most.</summary>
    [Id(3)] public int Count { get; init; }

    [Id(4)] public int Capacity { get; init; }

    /// <summary>The newest point.</summary>
    [Id(5)] public MetricPointValue? Latest { get; init; }

    /// <summary>The points, oldest first (empty in a list of metrics).</summary>
    [Id(6)] public IReadOnlyList<MetricPointValue> Points { get; init; } = [];

    /// <summary>What the latest points predict; null before any prediction was made since the deployment was activated.</summary>
    [Id(7)] public ForecastEvidence? Prediction { get; init; }

    /// <summary>The open preventive action for this metric, if any.</summary>
    [Id(8)] public string? PreventiveActionId { get; init; }
}

/// <summary>A point of a metric window.</summary>
[GenerateSerializer, Alias("HealingGrains.MetricPointValue")]
public sealed class MetricPointValue
{
    [Id(0)] public DateTimeOffset At { get; init; }

    [Id(1)] public double Value { get; init; }
}
