using Microsoft.Extensions.Options;

namespace HealingGrains.Grains.Models;

/// <inheritdoc cref="IModelRegistryGrain"/>
public sealed class ModelRegistryGrain(
    [PersistentState(stateName: "models", storageName: GrainStorageNames.State)] IPersistentState<ModelRegistryState> registry,
    IOptions<ModelRegistryOptions> options,
    TimeProvider time) : Grain, IModelRegistryGrain
{
    private ModelKind Kind => Enum.Parse<ModelKind>(this.GetPrimaryKeyString());

    /// <inheritdoc/>
    public async Task<ModelDecision> RegisterAsync(ModelRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var cap = options.Value.MaxModelBytes;
        if (registration.Bytes.Length == 0 || registration.Bytes.Length > cap)
        {
            return Refused($"A model must hold 1 to {cap:N0} bytes; this one has {registration.Bytes.Length:N0}. Shrink it (fewer hashed features, fewer trees) or raise HealingGrains:Models:MaxModelBytes.");
        }

        if (!registration.Metrics.TryGetValue(registration.Metric, out var value) || !double.IsFinite(value))
        {
            return Refused($"The metrics must include the deciding metric '{registration.Metric}' as a finite number.");
        }

        var info = new ModelVersionInfo
        {
            Kind = Kind,
            Version = registry.State.Versions.Count + 1,
            SizeBytes = registration.Bytes.Length,
            TrainingDataHash = registration.TrainingDataHash,
            HeldOutDataHash = registration.HeldOutDataHash,
            Metric = registration.Metric,
            HigherIsBetter = registration.HigherIsBetter,
            Metrics = new Dictionary<string, double>(registration.Metrics, StringComparer.Ordinal),
            Status = ModelStatus.Candidate,
            RegisteredAt = time.GetUtcNow(),
            BaselineVersion = registration.BaselineVersion,
            BaselineMetric = registration.BaselineMetric,
            Origin = registration.Origin,
        };

        // The bytes first: a version the registry lists always has its bytes.
        await GrainFactory.GetGrain<IModelVersionGrain>(ModelVersionKey.Format(Kind, info.Version)).StoreAsync(registration.Bytes);
        registry.State.Versions.Add(info);
        await registry.WriteStateAsync();
        return new ModelDecision { Accepted = true, Version = info };
    }

    /// <inheritdoc/>
    public async Task<ModelDecision> PromoteAsync(int version)
    {
        var challenger = registry.State.Versions.Find(v => v.Version == version);
        if (challenger is null)
        {
            return Refused($"No version {version} of {Kind}.");
        }

        if (challenger.Status == ModelStatus.Active)
        {
            return Refused($"Version {version} of {Kind} is already active.");
        }

        var champion = registry.State.Versions.Find(v => v.Status == ModelStatus.Active);
        if (champion is not null)
        {
            // The champion's value on the challenger's held-out data: the one measured by the same build on the same data
            // when the challenger was registered, else its own when the data are the same.
            double championValue;
            if (challenger.BaselineVersion == champion.Version && challenger.BaselineMetric is { } baseline)
            {
                championValue = baseline;
            }
            else if (champion.HeldOutDataHash == challenger.HeldOutDataHash && champion.Metric == challenger.Metric)
            {
                championValue = champion.Metrics[champion.Metric];
            }
            else
            {
                return Refused($"Version {version} was measured on other held-out data or another metric than active version {champion.Version}, and not against it; retrain or re-register it to measure both on the same data.");
            }

            var margin = options.Value.PromotionMargin;
            var value = challenger.Metrics[challenger.Metric];
            var gain = challenger.HigherIsBetter ? value - championValue : championValue - value;
            if (gain < margin)
            {
                return Refused($"Version {version} ({challenger.Metric} {value:F4}) does not beat active version {champion.Version} ({championValue:F4} on the same held-out data) by the margin of {margin}.");
            }

            champion.Status = ModelStatus.Retired;
            registry.State.ActiveHistory.Add(champion.Version);
        }

        challenger.Status = ModelStatus.Active;
        await registry.WriteStateAsync();
        return new ModelDecision { Accepted = true, Version = challenger };
    }

    /// <inheritdoc/>
    public async Task<ModelDecision> RollbackAsync()
    {
        var current = registry.State.Versions.Find(v => v.Status == ModelStatus.Active);
        if (current is null || registry.State.ActiveHistory.Count == 0)
        {
            return Refused($"{Kind} has no earlier active version to roll back to.");
        }

        var previousVersion = registry.State.ActiveHistory[^1];
        registry.State.ActiveHistory.RemoveAt(registry.State.ActiveHistory.Count - 1);
        var previous = registry.State.Versions.Single(v => v.Version == previousVersion);
        current.Status = ModelStatus.Retired;
        previous.Status = ModelStatus.Active;
        await registry.WriteStateAsync();
        return new ModelDecision { Accepted = true, Version = previous };
    }

    /// <inheritdoc/>
    public Task<ModelVersionInfo?> GetActiveAsync() => Task.FromResult(registry.State.Versions.Find(v => v.Status == ModelStatus.Active));

    /// <inheritdoc/>
    public Task<IReadOnlyList<ModelVersionInfo>> ListAsync() => Task.FromResult<IReadOnlyList<ModelVersionInfo>>([.. registry.State.Versions]);

    private static ModelDecision Refused(string reason) => new() { Accepted = false, Reason = reason };
}

/// <inheritdoc cref="IModelVersionGrain"/>
public sealed class ModelVersionGrain(
    [PersistentState(stateName: "model", storageName: GrainStorageNames.State)] IPersistentState<ModelVersionState> model)
    : Grain, IModelVersionGrain
{
    /// <inheritdoc/>
    public async Task<bool> StoreAsync(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (model.State.Bytes is { } stored)
        {
            return stored.AsSpan().SequenceEqual(bytes);
        }

        model.State.Bytes = bytes;
        await model.WriteStateAsync();
        return true;
    }

    /// <inheritdoc/>
    public Task<byte[]?> GetBytesAsync() => Task.FromResult(model.State.Bytes);
}
