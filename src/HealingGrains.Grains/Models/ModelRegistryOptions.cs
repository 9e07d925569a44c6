namespace HealingGrains.Grains.Models;

/// <summary>What the model registry accepts and promotes.</summary>
public sealed class ModelRegistryOptions
{
    /// <summary>The largest model accepted, in bytes. Default: 1 MiB: the models are tiny by design.</summary>
    public int MaxModelBytes { get; set; } = 1024 * 1024;

    /// <summary>How much a challenger must beat the active version by on its metric to replace it. Default: 0.01.</summary>
    public double PromotionMargin { get; set; } = 0.01;

    /// <summary>How often each silo asks the registry which version is active (the hot switch). Default: 10 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most recorded outcomes the fix predictor and risk assessor train on (the newest). Default: 50,000.</summary>
    public int MaxTrainingOutcomes { get; set; } = 50_000;
}
