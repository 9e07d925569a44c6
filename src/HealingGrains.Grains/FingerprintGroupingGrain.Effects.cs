namespace HealingGrains.Grains;

/// <summary>
/// Storing a decision and applying its effects on fingerprints and deployments; every effect is idempotent, so a
/// decision left unapplied by a failure is simply applied again.
/// </summary>
public sealed partial class FingerprintGroupingGrain
{
    private async Task DecideAsync(string key, string actor, string @event, string fingerprintId, string detail)
    {
        grouping.State.Unapplied.Add(key);
        Index();
        await grouping.WriteStateAsync();
        await GrainFactory.GetGrain<IAuditLogGrain>(TenantId).AppendAsync(actor, @event, $"fingerprint/{fingerprintId}", detail);
    }

    private async Task AppliedAsync(string key)
    {
        grouping.State.Unapplied.Remove(key);
        await grouping.WriteStateAsync();
    }

    private async Task ApplyPendingAsync()
    {
        if (grouping.State.Unapplied.Count == 0)
        {
            return;
        }

        foreach (var key in grouping.State.Unapplied.ToList())
        {
            LogReapplying(logger, TenantId, key);
            if (grouping.State.Merges.Find(m => MergeKey(m) == key) is { } merge)
            {
                await ApplyAsync(merge);
            }
            else if (grouping.State.Splits.Find(s => SplitKey(s) == key) is { } split)
            {
                await ApplyAsync(split);
            }

            grouping.State.Unapplied.Remove(key);
        }

        await grouping.WriteStateAsync();
    }

    private async Task<FingerprintInfo> ApplyAsync(FingerprintMerge merge)
    {
        var target = Fingerprint(merge.Into);
        var source = await Fingerprint(merge.Fingerprint).MarkMergedAsync(merge.Into);
        if (source is null)
        {
            return (await target.GetAsync())!;
        }

        var absorbed = await target.AbsorbAsync(source);

        // The target now stands for the source's occurrences, so it is listed under the source's deployments too.
        await Task.WhenAll(source.Deployments.Select(d =>
            GrainFactory.GetGrain<IDeploymentGrain>(DeploymentKey.Format(TenantId, d)).AddFingerprintsAsync([merge.Into])));
        return absorbed;
    }

    private async Task<FingerprintInfo> ApplyAsync(FingerprintSplit split)
    {
        var source = await Fingerprint(split.Fingerprint).GetAsync();
        return await Fingerprint(split.Into).CreateSplitAsync(
            split.Fingerprint, split.Template, source?.ExceptionType, source?.Source ?? FingerprintSource.Template);
    }
}
