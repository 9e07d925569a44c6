namespace HealingGrains.Abstractions.Grains;

/// <summary>
/// Consumes one deployment's diagnostics stream (implicit subscription) and turns raw errors into fingerprinted
/// observations. Key: <c>tenant/deployment</c>.
/// </summary>
public interface IClassifierGrain : IGrainWithStringKey
{
    /// <summary>How many events this activation has processed (for diagnostics).</summary>
    Task<long> GetProcessedCountAsync();
}
