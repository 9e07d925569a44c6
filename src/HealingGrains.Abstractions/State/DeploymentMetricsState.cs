namespace HealingGrains.Abstractions.State;

/// <summary>
/// A deployment's metric windows, kept apart from its registration and incidents so that neither rewrites the other.
/// Each window is stored packed (format byte, then 16 bytes per point: UTC ticks and value), so 200 names of 512 points
/// stay at 1.6 MB, under the row store's 2 MiB per state.
/// </summary>
[GenerateSerializer, Alias("HealingGrains.DeploymentMetricsState")]
public sealed class DeploymentMetricsState
{
    /// <summary>The packed window of each metric name.</summary>
    [Id(0)] public Dictionary<string, byte[]> Windows { get; set; } = new(StringComparer.Ordinal);
}
