namespace HealingGrains.Core.Fingerprinting;

/// <summary>
/// The miner's one universal configuration. It is versioned: a change that could regroup messages gets a new
/// <see cref="ConfigVersion"/>, and stored clusters say which version mined them.
/// </summary>
public sealed class TemplateMinerOptions
{
    /// <summary>The grouping configuration's version. Default: 1.</summary>
    public int ConfigVersion { get; init; } = 1;

    /// <summary>
    /// The share of token positions (of equal-length token lists) that must be equal, variables counting as equal to
    /// variables, for a message to join a cluster. Default: 0.6.
    /// </summary>
    public double SimilarityThreshold { get; init; } = 0.6;

    /// <summary>How many leading tokens (besides the token count) route a message to its candidate clusters. Default: 2.</summary>
    public int MaxDepth { get; init; } = 2;

    /// <summary>
    /// The most clusters kept. Default: 10,000. Past it, the least recently matched tenth are evicted; a message of an
    /// evicted cluster later founds a new cluster, whose id is derived from its template and so is usually the same.
    /// </summary>
    public int MaxClusters { get; init; } = 10_000;
}
