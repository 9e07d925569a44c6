using HealingGrains.Abstractions.Contracts;
using Orleans.Concurrency;

namespace HealingGrains.Abstractions.Grains;

/// <summary>A tenant's deployment: registration, capabilities, fingerprints seen, metric windows and predictions. Key: <c>tenant/deployment</c>.</summary>
public interface IDeploymentGrain : IGrainWithStringKey
{
    /// <summary>Registers the deployment or changes its registration.</summary>
    Task<DeploymentInfo> RegisterAsync(DeploymentSpec spec);

    /// <summary>The deployment, or null when it was never registered.</summary>
    /// <remarks>
    /// Interleaves with the grain's other calls (it only reads memory): a request that needs it does not wait behind a
    /// state write that storage holds up, so it is answered (or refused) within the storage timeout.
    /// </remarks>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<DeploymentInfo?> GetAsync();

    /// <summary>
    /// Whether the deployment is registered: what ingest asks for every request. It reads one flag and never waits, so it
    /// interleaves with whatever the grain is doing rather than queueing behind it.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> IsRegisteredAsync();

    /// <summary>Records fingerprints seen on this deployment.</summary>
    Task AddFingerprintsAsync(IReadOnlyList<string> fingerprintIds);

    /// <summary>The fingerprints seen on this deployment.</summary>
    /// <remarks>
    /// Interleaves with the grain's other calls (it only reads memory): a request that needs it does not wait behind a
    /// state write that storage holds up, so it is answered (or refused) within the storage timeout.
    /// </remarks>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<IReadOnlyList<string>> GetFingerprintIdsAsync();

    /// <summary>
    /// Records metric points in the metrics' windows, predicts failures from them, proposes preventive actions when a
    /// failure probability reaches the tenant's intervention threshold, and verifies earlier predictions.
    /// </summary>
    Task RecordMetricPointsAsync(IReadOnlyList<MetricPoint> points);

    /// <summary>The deployment's metrics, newest point and prediction each, without their points.</summary>
    Task<IReadOnlyList<MetricWindowInfo>> GetMetricsAsync();

    /// <summary>One metric with its window's points; null when the deployment has no such metric.</summary>
    Task<MetricWindowInfo?> GetMetricAsync(string name);

    /// <summary>Verifies the preventive actions whose watched time is over (a timer calls this while any is pending).</summary>
    Task CheckPredictionsAsync();

    /// <summary>Registers a new version (the azd hook calls this through the API).</summary>
    Task<DeploymentVersion> AddVersionAsync(DeploymentVersion version);

    /// <summary>
    /// Fingerprints just occurred here: records them, and notes each one with no open action to open an incident and
    /// propose a fix for it, which the deployment does after this call returns (one per turn), so that the caller's
    /// stream delivery does not wait for proposals.
    /// </summary>
    Task OnFingerprintsAsync(IReadOnlyList<FingerprintOccurrence> occurrences);

    /// <summary>An action of this deployment reached a final state.</summary>
    Task ActionClosedAsync(ActionClosure closure);

    /// <summary>The ids of the deployment's open actions (at most one per fingerprint).</summary>
    Task<IReadOnlyList<string>> GetOpenActionIdsAsync();
}
