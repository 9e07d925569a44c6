namespace HealingGrains.Grains.Models;

/// <summary>What the model registry accepts and promotes.</summary>
public sealed class ModelRegistryOptions
{
    /// <summary>The largest model accepted, in bytes. Default: 1 MiB: the models are tiny by design.</summary>
    public int MaxModelBytes { get; set; } = 1024 * 1024;

    /// <summary>How much a challenger must beat the active version by on its metric to replace it. Default: 0.01.</summary>
    public double PromotionMargin { get; set; } = 0.01;
}
