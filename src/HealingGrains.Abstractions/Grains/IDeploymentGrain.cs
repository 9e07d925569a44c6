using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Abstractions.Grains;

/// <summary>A tenant's deployment: registration, capabilities, fingerprints seen, latest metrics. Key: <c>tenant/deployment</c>.</summary>
public interface IDeploymentGrain : IGrainWithStringKey
{
    /// <summary>Registers the deployment or changes its registration.</summary>
    Task<DeploymentInfo> RegisterAsync(DeploymentSpec spec);

    /// <summary>The deployment, or null when it was never registered.</summary>
    Task<DeploymentInfo?> GetAsync();

    /// <summary>Records fingerprints seen on this deployment.</summary>
    Task AddFingerprintsAsync(IReadOnlyList<string> fingerprintIds);

    /// <summary>The fingerprints seen on this deployment.</summary>
    Task<IReadOnlyList<string>> GetFingerprintIdsAsync();

    /// <summary>Records the latest value of metrics reported by the deployment.</summary>
    Task RecordMetricsAsync(IReadOnlyDictionary<string, double> latest);
}
