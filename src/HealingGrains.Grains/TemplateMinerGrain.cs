using HealingGrains.Core.Fingerprinting;
using Microsoft.Extensions.Logging;

namespace HealingGrains.Grains;

/// <inheritdoc cref="ITemplateMinerGrain"/>
/// <remarks>
/// The grouping configuration is versioned. State mined with an older version keeps every cluster with its id and
/// template, so existing fingerprints are never regrouped behind anyone's back; new messages join those clusters when
/// they are compatible and otherwise found new ones under the current version, which the next write records.
/// </remarks>
public sealed partial class TemplateMinerGrain(
    [PersistentState(stateName: "miner", storageName: GrainStorageNames.State)] IPersistentState<TemplateMinerState> miner,
    ILogger<TemplateMinerGrain> logger)
    : Grain, ITemplateMinerGrain
{
    private TemplateMiner _miner = new();

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (miner.RecordExists)
        {
            _miner = TemplateMiner.Restore(miner.State.Clusters.Select(c =>
                new TemplateClusterSnapshot(c.Id, c.Tokens, c.Count, c.LastSeen)));
            if (miner.State.ConfigVersion != _miner.Options.ConfigVersion)
            {
                var tenant = this.GetPrimaryKeyString();
                LogConfigurationUpgrade(logger, tenant, miner.State.ConfigVersion, miner.State.Clusters.Count, _miner.Options.ConfigVersion);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TemplateAssignment>> AssignAsync(IReadOnlyList<string> messages)
    {
        var ids = new string[messages.Count];
        var changed = false;
        for (var i = 0; i < messages.Count; i++)
        {
            var match = _miner.Add(messages[i]);
            ids[i] = match.ClusterId;
            changed |= match.Created || match.TemplateChanged;
        }

        // Only the clusters' shape needs to survive a restart for ids to stay stable; counts alone are not worth a write.
        if (changed)
        {
            miner.State.ConfigVersion = _miner.Options.ConfigVersion;
            miner.State.Clusters = [.. _miner.Snapshot().Select(c => new TemplateClusterState
            {
                Id = c.Id,
                Tokens = [.. c.Tokens],
                Count = c.Count,
                LastSeen = c.LastSeen,
            })];
            await miner.WriteStateAsync();
        }

        // Templates are read after the whole batch so that every message gets its group's latest template.
        return [.. ids.Select(id => new TemplateAssignment { ClusterId = id, Template = _miner.GetTemplate(id) })];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Template clusters of tenant {Tenant} were mined with grouping configuration v{StoredVersion}: keeping all {Clusters} clusters and their ids; new messages are mined with v{CurrentVersion}")]
    private static partial void LogConfigurationUpgrade(ILogger logger, string tenant, int storedVersion, int clusters, int currentVersion);
}
