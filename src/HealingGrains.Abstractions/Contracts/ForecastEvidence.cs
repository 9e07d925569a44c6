namespace HealingGrains.Abstractions.Contracts;

/// <summary>
/// A failure prediction from one metric: the trend forecast to the metric's limit and the anomaly probability, combined
/// into the failure probability that the tenant's intervention threshold is compared with.
/// </summary>
[GenerateSerializer, Alias("HealingGrains.ForecastEvidence")]
public sealed class ForecastEvidence
{
    /// <summary>The metric.</summary>
    [Id(0)] public required string Metric { get; init; }

    /// <summary>The saturation limit (1 or 100); null when the metric has none.</summary>
    [Id(1)] public double? Limit { get; init; }

    /// <summary>The latest value.</summary>
    [Id(2)] public double Current { get; init; }

    /// <summary>The trend's smoothed value, when a trend is known.</summary>
    [Id(3)] public double? Trend { get; init; }

    /// <summary>The trend, in value per minute.</summary>
    [Id(4)] public double? SlopePerMinute { get; init; }

    /// <summary>Minutes until the trend reaches the limit; null when it does not.</summary>
    [Id(5)] public double? MinutesToLimit { get; init; }

    /// <summary>How far ahead the forecast looks, in minutes.</summary>
    [Id(6)] public double HorizonMinutes { get; init; }

    /// <summary>The probability that the limit is reached within the horizon.</summary>
    [Id(7)] public double ForecastProbability { get; init; }

    /// <summary>The anomaly detector's probability for the latest upward points.</summary>
    [Id(8)] public double AnomalyProbability { get; init; }

    /// <summary>How much of the anomaly probability counted (the share of the limit in use; 1 without a limit).</summary>
    [Id(9)] public double AnomalyWeight { get; init; }

    /// <summary>The combined failure probability.</summary>
    [Id(10)] public double Probability { get; init; }

    /// <summary>The tenant's intervention threshold it was compared with, when it was.</summary>
    [Id(11)] public double? InterventionThreshold { get; init; }

    /// <summary>The timestamp of the latest point (the sender's clock).</summary>
    [Id(12)] public DateTimeOffset At { get; init; }

    /// <summary>When the failure is expected at the latest: the limit at this trend, else the end of the horizon (the sender's clock).</summary>
    [Id(13)] public DateTimeOffset FailureExpectedBy { get; init; }

    /// <summary>The numbers in one sentence.</summary>
    [Id(14)] public string Summary { get; init; } = "";
}
