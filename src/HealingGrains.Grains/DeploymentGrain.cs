using HealingGrains.Core.Healing;
using HealingGrains.Core.Prediction;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealingGrains.Grains;

/// <inheritdoc cref="IDeploymentGrain"/>
public sealed partial class DeploymentGrain(
    [PersistentState(stateName: "deployment", storageName: GrainStorageNames.State)] IPersistentState<DeploymentState> deployment,
    [PersistentState(stateName: "metrics", storageName: GrainStorageNames.State)] IPersistentState<DeploymentMetricsState> metrics,
    TimeProvider time,
    Recommender recommender,
    RandomSource random,
    Models.ActiveModels models,
    IOptions<PredictionOptions> prediction,
    Federation.FederationService federation,
    ILogger<DeploymentGrain> logger) : Grain, IDeploymentGrain, IRemindable
{

    /// <inheritdoc/>
    public async Task<DeploymentInfo> RegisterAsync(DeploymentSpec spec)
    {
        var (tenantId, name) = DeploymentKey.Parse(this.GetPrimaryKeyString());
        var state = deployment.State;
        var now = time.GetUtcNow();
        if (!state.Registered)
        {
            state.Registered = true;
            state.CreatedAt = now;
        }

        state.Service = spec.Service;
        state.Environment = spec.Environment;
        state.Capabilities = [.. spec.Capabilities];
        state.UpdatedAt = now;
        await deployment.WriteStateAsync();
        await GrainFactory.GetGrain<ITenantGrain>(tenantId).AddDeploymentAsync(name);
        return ToInfo(name);
    }

    /// <inheritdoc/>
    public Task<DeploymentInfo?> GetAsync() => Task.FromResult(
        deployment.State.Registered ? ToInfo(DeploymentKey.Parse(this.GetPrimaryKeyString()).Deployment) : null);

    /// <inheritdoc/>
    public Task<bool> IsRegisteredAsync() => Task.FromResult(deployment.State.Registered);

    /// <inheritdoc/>
    public async Task AddFingerprintsAsync(IReadOnlyList<string> fingerprintIds)
    {
        var added = false;
        foreach (var id in fingerprintIds)
        {
            added |= deployment.State.Fingerprints.Add(id);
        }

        if (added)
        {
            await deployment.WriteStateAsync();
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> GetFingerprintIdsAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. deployment.State.Fingerprints]);

    private double ErrorRate(DeploymentState state)
    {
        var since = Core.Temporal.MinuteBuckets.MinuteOf(time.GetUtcNow()) - 10;
        return state.ErrorsPerMinute.Where(b => b.Key > since).Sum(b => b.Value) / 10.0;
    }

    private List<long> Hourly(DeploymentState state)
    {
        var now = Core.Temporal.MinuteBuckets.MinuteOf(time.GetUtcNow());
        var hours = new long[24];
        foreach (var (minute, count) in state.ErrorsPerMinute)
        {
            var age = (int)((now - minute) / 60);
            if (age is >= 0 and < 24)
            {
                hours[23 - age] += count;
            }
        }

        return [.. hours];
    }

    private DeploymentInfo ToInfo(string name)
    {
        var state = deployment.State;
        return new DeploymentInfo
        {
            Name = name,
            Service = state.Service,
            Environment = state.Environment,
            Capabilities = [.. state.Capabilities],
            CreatedAt = state.CreatedAt,
            UpdatedAt = state.UpdatedAt,
            FingerprintCount = state.Fingerprints.Count,
            LatestMetrics = LatestMetrics(),
            Versions = [.. state.Versions],
            OpenIncidents = state.OpenActions.Count,
            RecentErrorRate = ErrorRate(state),
            ErrorsPerHour = Hourly(state),
        };
    }
}
