using HealingGrains.Core.Healing;
using HealingGrains.Core.Temporal;

namespace HealingGrains.Grains;

/// <inheritdoc cref="IFingerprintGrain"/>
public sealed partial class FingerprintGrain(
    [PersistentState(stateName: "fingerprint", storageName: GrainStorageNames.State)] IPersistentState<FingerprintState> fingerprint,
    TimeProvider time,
    Recommender recommender,
    HealingGrains.Storage.IRowStore rows,
    Microsoft.Extensions.Options.IOptions<AppliedBatchWindow> batchWindow) : Grain, IFingerprintGrain
{
    private AppliedBatchLog? _applied;

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // State stored before the log was one block of bytes held its batches in a list: they move over, in order.
        var state = fingerprint.State;
        if (state.AppliedBatches is { Count: > 0 } former)
        {
            var log = AppliedBatchLog.From(state.AppliedLog);
            foreach (var applied in former)
            {
                log.Add([applied.BatchId], applied.AppliedAt, batchWindow.Value);
            }

            state.AppliedLog = log.ToBytes();
        }

        state.AppliedBatches = null;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<bool> RecordAsync(FingerprintObservation observation)
    {
        var state = fingerprint.State;
        var parts = observation.Parts is { Count: > 0 } given ? given : [new BatchPart(observation.BatchId, observation.OccurredAt.Count)];
        if (parts.Sum(p => p.Count) != observation.OccurredAt.Count)
        {
            throw new ArgumentException("The batch parts do not add up to the occurrences.", nameof(observation));
        }

        // Occurrences of a batch this fingerprint already applied (a stream delivered it again) are left out.
        var window = batchWindow.Value;
        var log = _applied ??= window.Stored ? AppliedBatchLog.From(state.AppliedLog) : new AppliedBatchLog();
        var fresh = new List<DateTimeOffset>(observation.OccurredAt.Count);
        var applied = new List<Guid>(parts.Count);
        var offset = 0;
        foreach (var part in parts)
        {
            // A batch's occurrences may come in more than one part (an admin's merge brings stack and template ones
            // together): whether it was applied is decided on what was stored before this call.
            if (!log.Contains(part.BatchId))
            {
                for (var i = offset; i < offset + part.Count; i++)
                {
                    fresh.Add(observation.OccurredAt[i]);
                }

                if (!applied.Contains(part.BatchId))
                {
                    applied.Add(part.BatchId);
                }
            }

            offset += part.Count;
        }

        if (fresh.Count == 0 && observation.OccurredAt.Count > 0)
        {
            return state.Deployments.Contains(observation.Deployment);
        }

        var now = time.GetUtcNow();
        if (state.Count == 0)
        {
            Telemetry.HealingMetrics.FingerprintCreated();

            // A fingerprint split off by an admin exists before its first occurrence, with its template already set.
            state.SampleMessage = observation.SampleMessage;
            state.ExceptionType ??= observation.ExceptionType;
            state.Source = state.Template is null ? observation.Source : state.Source;
            state.FirstSeen = DateTimeOffset.MaxValue;
        }

        // The miner may have generalised the template since the last observation: the newest one is the best. Events
        // redirected here by a merge carry their source's template, which is not this fingerprint's.
        if (!observation.Redirected || state.Template is null)
        {
            state.Template = observation.Template;
        }

        state.SplitFrom ??= observation.SplitFrom;

        // An admin's correction stands: the classifier only fills in or refreshes its own category.
        if (observation.Category is { } category && state.CategorySource?.StartsWith("admin:", StringComparison.Ordinal) != true)
        {
            state.Category = category;
            state.CategorySource = observation.CategoryModel;
        }

        state.LastVersion = observation.Version ?? state.LastVersion;
        foreach (var at in fresh)
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
        log.Add(applied, now, window);
        if (window.Stored)
        {
            state.AppliedLog = log.ToBytes();
        }

        try
        {
            await fingerprint.WriteStateAsync();
        }
        catch
        {
            // The counts and the batch ids are in memory but not stored: the stream delivers the batches again, and this
            // activation must not take them for applied. The next one reads what was stored.
            _applied = null;
            DeactivateOnIdle();
            throw;
        }

        return newDeployment;
    }

    /// <inheritdoc/>
    public Task<FingerprintFacts?> GetFactsAsync()
    {
        var state = fingerprint.State;
        if (state.Template is null)
        {
            return Task.FromResult<FingerprintFacts?>(null);
        }

        var now = time.GetUtcNow();
        var since = MinuteBuckets.MinuteOf(now) - 10;
        var recent = state.PerMinute.Where(b => b.Key > since).Sum(b => b.Value);
        return Task.FromResult<FingerprintFacts?>(new FingerprintFacts
        {
            Id = FingerprintKey.Parse(this.GetPrimaryKeyString()).FingerprintId,
            ExceptionType = state.ExceptionType,
            FirstSeen = state.FirstSeen,
            Fixes = new Dictionary<string, FixCounts>(state.Fixes, StringComparer.Ordinal),
            RecentRatePerMinute = recent / 10.0,
            RecentFixes = [.. state.RecentFixes],
            Category = state.Category,
            CategorySource = state.CategorySource,
            Template = state.Template,
        });
    }

    /// <inheritdoc/>
    public async Task RecordOutcomeAsync(string kind, bool succeeded, string? actionId = null, string? deployment = null)
    {
        var fixes = fingerprint.State.RecentFixes;
        fixes.Add(new FixRecord { ActionId = actionId ?? "", Kind = kind, Succeeded = succeeded, At = time.GetUtcNow(), Deployment = deployment });
        if (fixes.Count > 50)
        {
            fixes.RemoveRange(0, fixes.Count - 50);
        }

        var counts = fingerprint.State.Fixes.TryGetValue(kind, out var known)
            ? new DecayedCounts(known.Successes, known.Failures, known.AsOf)
            : DecayedCounts.Empty;
        var updated = counts.With(succeeded, time.GetUtcNow(), recommender.Options.HalfLife);
        fingerprint.State.Fixes[kind] = new FixCounts { Successes = updated.Successes, Failures = updated.Failures, AsOf = updated.AsOf };
        await fingerprint.WriteStateAsync();
    }

    /// <inheritdoc/>
    public async Task<FingerprintInfo?> CorrectCategoryAsync(string category, string by)
    {
        var state = fingerprint.State;
        if (state.Template is null)
        {
            return null;
        }

        state.Category = category;
        state.CategorySource = by;
        await fingerprint.WriteStateAsync();
        await Models.TrainingData.RecordCorrectionAsync(
            rows, time.GetUtcNow(), Guid.NewGuid().ToString("N"), category, state.ExceptionType, Core.Fingerprinting.VariableMasker.Mask(state.SampleMessage));
        return ToInfo();
    }

    /// <inheritdoc/>
    public Task<FingerprintInfo?> GetAsync() =>
        Task.FromResult<FingerprintInfo?>(fingerprint.State.Template is null ? null : ToInfo());

    private FingerprintInfo ToInfo()
    {
        var state = fingerprint.State;
        MinuteBuckets.Prune(state.PerMinute, time.GetUtcNow());
        return new FingerprintInfo
        {
            Id = FingerprintKey.Parse(this.GetPrimaryKeyString()).FingerprintId,
            Template = state.Template!,
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
            MergedInto = state.MergedInto,
            SplitFrom = state.SplitFrom,
            MergedFrom = [.. state.Absorbed.Keys],
            Category = state.Category,
            CategorySource = state.CategorySource,
        };
    }
}
