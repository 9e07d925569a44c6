using HealingGrains.Core.Temporal;

namespace HealingGrains.Grains;

/// <inheritdoc cref="IFingerprintGrain"/>
public sealed class FingerprintGrain(
    [PersistentState(stateName: "fingerprint", storageName: GrainStorageNames.State)] IPersistentState<FingerprintState> fingerprint,
    TimeProvider time) : Grain, IFingerprintGrain
{
    /// <inheritdoc/>
    public async Task<bool> RecordAsync(FingerprintObservation observation)
    {
        var state = fingerprint.State;
        var now = time.GetUtcNow();
        if (state.Template is null)
        {
            state.SampleMessage = observation.SampleMessage;
            state.ExceptionType = observation.ExceptionType;
            state.Source = observation.Source;
            state.FirstSeen = DateTimeOffset.MaxValue;
        }

        // The miner may have generalised the template since the last observation: the newest one is the best.
        state.Template = observation.Template;
        state.LastVersion = observation.Version ?? state.LastVersion;
        foreach (var at in observation.OccurredAt)
        {
            var clamped = at > now ? now : at;
            state.Count++;
            if (clamped < state.FirstSeen)
            {
                state.FirstSeen = clamped;
            }

            if (clamped > state.LastSeen)
            {
                state.LastSeen = clamped;
            }

            MinuteBuckets.Add(state.PerMinute, clamped, now);
        }

        MinuteBuckets.Prune(state.PerMinute, now);
        var newDeployment = state.Deployments.Add(observation.Deployment);
        await fingerprint.WriteStateAsync();
        return newDeployment;
    }

    /// <inheritdoc/>
    public Task<FingerprintInfo?> GetAsync()
    {
        var state = fingerprint.State;
        if (state.Template is null)
        {
            return Task.FromResult<FingerprintInfo?>(null);
        }

        MinuteBuckets.Prune(state.PerMinute, time.GetUtcNow());
        return Task.FromResult<FingerprintInfo?>(new FingerprintInfo
        {
            Id = FingerprintKey.Parse(this.GetPrimaryKeyString()).FingerprintId,
            Template = state.Template,
            ExceptionType = state.ExceptionType,
            SampleMessage = state.SampleMessage,
            Count = state.Count,
            FirstSeen = state.FirstSeen,
            LastSeen = state.LastSeen,
            Deployments = [.. state.Deployments],
            Source = state.Source,
            LastVersion = state.LastVersion,
            PerMinute = [.. state.PerMinute.Select(b => new MinuteCount
            {
                Minute = DateTimeOffset.FromUnixTimeSeconds(b.Key * 60),
                Count = b.Value,
            })],
        });
    }
}
