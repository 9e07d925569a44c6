using HealingGrains.Core.Temporal;

namespace HealingGrains.Grains;

/// <summary>What an admin's merge or split does to a fingerprint (the decisions live in the tenant's grouping grain).</summary>
public sealed partial class FingerprintGrain
{
    /// <inheritdoc/>
    public async Task<FingerprintInfo?> MarkMergedAsync(string into)
    {
        var state = fingerprint.State;
        if (state.Template is null)
        {
            return null;
        }

        if (state.MergedInto != into)
        {
            state.MergedInto = into;
            await fingerprint.WriteStateAsync();
        }

        return ToInfo();
    }

    /// <inheritdoc/>
    public async Task<FingerprintInfo> AbsorbAsync(FingerprintInfo merged)
    {
        ArgumentNullException.ThrowIfNull(merged);
        var state = fingerprint.State;

        // Applying a merge again (after a failure part-way) must not count the source twice.
        if (state.Absorbed.ContainsKey(merged.Id))
        {
            return ToInfo();
        }

        if (state.Template is null)
        {
            state.Template = merged.Template;
            state.ExceptionType = merged.ExceptionType;
            state.SampleMessage = merged.SampleMessage;
            state.Source = merged.Source;
        }

        if (merged.Count > 0)
        {
            state.FirstSeen = state.Count == 0 || merged.FirstSeen < state.FirstSeen ? merged.FirstSeen : state.FirstSeen;
            state.LastSeen = state.Count == 0 || merged.LastSeen > state.LastSeen ? merged.LastSeen : state.LastSeen;
            state.Count += merged.Count;
        }

        foreach (var minute in merged.PerMinute)
        {
            var key = MinuteBuckets.MinuteOf(minute.Minute);
            state.PerMinute[key] = state.PerMinute.GetValueOrDefault(key) + minute.Count;
        }

        MinuteBuckets.Prune(state.PerMinute, time.GetUtcNow());
        state.Deployments.UnionWith(merged.Deployments);
        state.Absorbed[merged.Id] = merged.Count;
        await fingerprint.WriteStateAsync();
        return ToInfo();
    }

    /// <inheritdoc/>
    public async Task<FingerprintInfo> CreateSplitAsync(string splitFrom, string template, string? exceptionType, FingerprintSource source)
    {
        var state = fingerprint.State;
        if (state.Template is null)
        {
            state.Template = template;
            state.ExceptionType = exceptionType;
            state.Source = source;
            state.SplitFrom = splitFrom;
            await fingerprint.WriteStateAsync();
        }
        else if (state.SplitFrom is null)
        {
            state.SplitFrom = splitFrom;
            await fingerprint.WriteStateAsync();
        }

        return ToInfo();
    }
}
