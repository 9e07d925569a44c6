using HealingGrains.Core.Fingerprinting;
using Microsoft.Extensions.Logging;

namespace HealingGrains.Grains;

/// <inheritdoc cref="IFingerprintGroupingGrain"/>
/// <remarks>
/// A decision is stored first, marked unapplied, and audited; then its effects on fingerprints and deployments are
/// applied (each idempotent) and the mark is removed. A failure part-way leaves the mark, and the effects are applied
/// again before the next decision, so a merge is never half-done for long and never counted twice.
/// </remarks>
public sealed partial class FingerprintGroupingGrain(
    [PersistentState(stateName: "grouping", storageName: GrainStorageNames.State)] IPersistentState<FingerprintGroupingState> grouping,
    TimeProvider time,
    ILogger<FingerprintGroupingGrain> logger) : Grain, IFingerprintGroupingGrain
{
    private readonly Dictionary<string, string> _mergedInto = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string[] Tokens, FingerprintSplit Split)>> _splitsOf = new(StringComparer.Ordinal);

    private string TenantId => this.GetPrimaryKeyString();

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Index();
        try
        {
            // A decision a crash left half-applied is completed as soon as the grain is back, not only before the next one.
            await ApplyPendingAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPendingFailed(logger, ex, TenantId);
        }
    }

    /// <inheritdoc/>
    public Task<FingerprintGrouping> GetAsync() => Task.FromResult(new FingerprintGrouping
    {
        Merges = [.. grouping.State.Merges],
        Splits = [.. grouping.State.Splits],
    });

    /// <inheritdoc/>
    public Task<IReadOnlyList<GroupingResolution>> ResolveAsync(IReadOnlyList<GroupingQuery> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var resolved = new GroupingResolution[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            resolved[i] = Resolve(events[i]);
        }

        return Task.FromResult<IReadOnlyList<GroupingResolution>>(resolved);
    }

    /// <inheritdoc/>
    public async Task<GroupingResult> MergeAsync(string fingerprintId, string into, string actor, string? reason)
    {
        await ApplyPendingAsync();
        if (!ResourceNames.IsValidFingerprintId(fingerprintId))
        {
            return NotFound(fingerprintId);
        }

        if (!ResourceNames.IsValidFingerprintId(into))
        {
            return Invalid($"The fingerprint to merge into must be {ResourceNames.FingerprintRule}.");
        }

        if (fingerprintId == into)
        {
            return Invalid("A fingerprint cannot be merged into itself.");
        }

        if (SplitPattern.CheckReason(reason) is { } badReason)
        {
            return Invalid(badReason);
        }

        if (await Fingerprint(fingerprintId).GetAsync() is null)
        {
            return NotFound(fingerprintId);
        }

        if (await Fingerprint(into).GetAsync() is null)
        {
            return NotFound(into);
        }

        if (_mergedInto.TryGetValue(fingerprintId, out var already))
        {
            return Conflict($"Fingerprint '{fingerprintId}' is already merged into '{already}'.");
        }

        if (FinalMergeTarget(into) == fingerprintId)
        {
            return Conflict($"Fingerprint '{into}' is merged into '{fingerprintId}': merging back would make a cycle.");
        }

        if (_mergedInto.TryGetValue(into, out var elsewhere))
        {
            return Conflict($"Fingerprint '{into}' is itself merged into '{elsewhere}'; merge into that one instead.");
        }

        var merge = new FingerprintMerge { Fingerprint = fingerprintId, Into = into, By = actor, At = time.GetUtcNow(), Reason = reason };
        grouping.State.Merges.Add(merge);
        await DecideAsync(MergeKey(merge), actor, "fingerprint.merged", fingerprintId, $"into {into}{ReasonDetail(reason)}");
        var target = await ApplyAsync(merge);
        await AppliedAsync(MergeKey(merge));
        return new GroupingResult { Status = GroupingStatus.Ok, Fingerprint = target };
    }

    /// <inheritdoc/>
    public async Task<GroupingResult> SplitAsync(string fingerprintId, string template, string actor, string? reason)
    {
        await ApplyPendingAsync();
        if (!ResourceNames.IsValidFingerprintId(fingerprintId))
        {
            return NotFound(fingerprintId);
        }

        if ((SplitPattern.Check(template) ?? SplitPattern.CheckReason(reason)) is { } problem)
        {
            return Invalid(problem);
        }

        var source = await Fingerprint(fingerprintId).GetAsync();
        if (source is null)
        {
            return NotFound(fingerprintId);
        }

        if (_mergedInto.TryGetValue(fingerprintId, out var mergedInto))
        {
            return Conflict($"Fingerprint '{fingerprintId}' is merged into '{mergedInto}': its events land there, split that one instead.");
        }

        var pattern = SplitPattern.Normalize(template);
        if (grouping.State.Splits.Any(s => s.Fingerprint == fingerprintId && s.Template == pattern))
        {
            return Conflict($"Fingerprint '{fingerprintId}' is already split by the template '{pattern}'.");
        }

        var split = new FingerprintSplit
        {
            Fingerprint = fingerprintId,
            Template = pattern,
            Into = SplitPattern.IdFor(fingerprintId, pattern),
            By = actor,
            At = time.GetUtcNow(),
            Reason = reason,
        };
        grouping.State.Splits.Add(split);
        await DecideAsync(SplitKey(split), actor, "fingerprint.split", fingerprintId, $"template '{pattern}' into {split.Into}{ReasonDetail(reason)}");
        var created = await ApplyAsync(split);
        await AppliedAsync(SplitKey(split));
        return new GroupingResult { Status = GroupingStatus.Ok, Fingerprint = created };
    }

    // A loop rather than FindIndex with a lambda: the lambda's closure was allocated on every resolution, split or not.
    private static int FirstMatch(List<(string[] Tokens, FingerprintSplit Split)> splits, string[] tokens)
    {
        for (var i = 0; i < splits.Count; i++)
        {
            if (SplitPattern.Matches(splits[i].Tokens, tokens))
            {
                return i;
            }
        }

        return -1;
    }

    private GroupingResolution Resolve(GroupingQuery query)
    {
        var id = query.FingerprintId;
        string? template = null;
        string? splitFrom = null;
        string[]? tokens = null;

        // Splits of the computed fingerprint first, in the order they were made; a split-off fingerprint may be split again.
        for (var hops = 0; hops <= grouping.State.Splits.Count && _splitsOf.TryGetValue(id, out var splits); hops++)
        {
            tokens ??= SplitPattern.Tokens(query.MaskedText);
            var match = FirstMatch(splits, tokens);
            if (match < 0)
            {
                break;
            }

            splitFrom = id;
            id = splits[match].Split.Into;
            template = splits[match].Split.Template;
        }

        var final = FinalMergeTarget(id);
        return new GroupingResolution { FingerprintId = final, Template = template, SplitFrom = splitFrom, Merged = final != id };
    }

    // Merges form chains (a → b, then b → c); a merged fingerprint is never a target, so there are no cycles to follow.
    private string FinalMergeTarget(string id)
    {
        for (var hops = 0; hops <= _mergedInto.Count && _mergedInto.TryGetValue(id, out var into); hops++)
        {
            id = into;
        }

        return id;
    }

    private void Index()
    {
        _mergedInto.Clear();
        foreach (var merge in grouping.State.Merges)
        {
            _mergedInto[merge.Fingerprint] = merge.Into;
        }

        _splitsOf.Clear();
        foreach (var split in grouping.State.Splits)
        {
            if (!_splitsOf.TryGetValue(split.Fingerprint, out var list))
            {
                _splitsOf[split.Fingerprint] = list = [];
            }

            list.Add((SplitPattern.Tokens(split.Template), split));
        }
    }

    private IFingerprintGrain Fingerprint(string id) => GrainFactory.GetGrain<IFingerprintGrain>(FingerprintKey.Format(TenantId, id));

    private static string ReasonDetail(string? reason) => string.IsNullOrWhiteSpace(reason) ? "" : $"; reason: {reason}";

    private static string MergeKey(FingerprintMerge merge) => $"merge/{merge.Fingerprint}";

    private static string SplitKey(FingerprintSplit split) => $"split/{split.Into}";

    private static GroupingResult NotFound(string id) =>
        new() { Status = GroupingStatus.NotFound, Problem = $"No fingerprint '{id}' in this tenant." };

    private static GroupingResult Invalid(string problem) => new() { Status = GroupingStatus.Invalid, Problem = problem };

    private static GroupingResult Conflict(string problem) => new() { Status = GroupingStatus.Conflict, Problem = problem };
}
