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

    /// <summary>Registers a new version (the azd hook calls this through the API).</summary>
    Task<DeploymentVersion> AddVersionAsync(DeploymentVersion version);

    /// <summary>Fingerprints just occurred here: opens an incident and proposes a fix for each one with no open action.</summary>
    Task OnFingerprintsAsync(IReadOnlyList<FingerprintOccurrence> occurrences);

    /// <summary>An action of this deployment reached a final state.</summary>
    Task ActionClosedAsync(ActionClosure closure);

    /// <summary>The ids of the deployment's open actions (at most one per fingerprint).</summary>
    Task<IReadOnlyList<string>> GetOpenActionIdsAsync();
}
