namespace HealingGrains.Core.Fingerprinting;

/// <summary>
/// The miner's one universal configuration. It is versioned: a change that could regroup messages gets a new
/// <see cref="ConfigVersion"/>, and stored clusters say which version mined them.
/// </summary>
public sealed class TemplateMinerOptions
{
    /// <summary>The grouping configuration this build mines with.</summary>
    public const int CurrentVersion = 2;

    /// <summary>
    /// The grouping configuration's version. Default: <see cref="CurrentVersion"/>. Version 1 (until 2026-11) masked
    /// with regular expressions and let any two words generalise; version 2 scans tokens once and keeps words apart
    /// (see <see cref="TokenRules"/>).
    /// </summary>
    public int ConfigVersion { get; init; } = CurrentVersion;

    /// <summary>
    /// The share of token positions (of equal-length token lists) that a cluster's template must cover as they are
    /// (equal, or inside a variable) for a message to join it; every other position must be compatible. Default: 0.5.
    /// </summary>
    public double SimilarityThreshold { get; init; } = 0.5;

    /// <summary>How many leading tokens (besides the token count) route a message to its candidate clusters. Default: 2.</summary>
    public int MaxDepth { get; init; } = 2;

    /// <summary>
    /// The most clusters kept. Default: 10,000. Past it, the least recently matched tenth are evicted; a message of an
    /// evicted cluster later founds a new cluster, whose id is derived from its template and so is usually the same.
    /// </summary>
    public int MaxClusters { get; init; } = 10_000;

    /// <summary>
    /// The most shapes (distinct masked token sequences) remembered for the fast path. Default: 50,000. Past it the
    /// memory of shapes starts afresh; each shape finds its cluster again through the similarity search.
    /// </summary>
    public int MaxShapes { get; init; } = 50_000;
}
