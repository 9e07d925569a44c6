using System.Text.Json;
using HealingGrains.Core.Modules;
using HealingGrains.Storage;

namespace HealingGrains.Grains.Modules;

/// <summary>What a module is checked against: the tenant's policy, deployments, installed modules and healing history.</summary>
public sealed partial class ModuleRegistryGrain
{
    /// <summary>The compatibility environment, and the kinds some deployment may run under the policy (what the replay allows).</summary>
    private sealed record TenantEnvironment(ModuleEnvironment Module, IReadOnlyCollection<string> AllowedKinds);

    private async Task<TenantEnvironment> EnvironmentAsync()
    {
        var tenant = GrainFactory.GetGrain<ITenantGrain>(TenantId);
        var policy = await tenant.GetPolicyAsync();
        var names = (await tenant.GetAsync())?.Deployments ?? [];
        var deployments = (await Task.WhenAll(names.Select(d => GrainFactory.GetGrain<IDeploymentGrain>(DeploymentKey.Format(TenantId, d)).GetAsync())))
            .OfType<DeploymentInfo>()
            .ToList();
        var deploymentKinds = deployments.SelectMany(d => d.Capabilities).ToHashSet(StringComparer.Ordinal);
        IReadOnlyCollection<string>? policyKinds = policy.AllowedKinds is { } allowed ? allowed.ToHashSet(StringComparer.Ordinal) : null;
        bool Permitted(string kind) => policyKinds is null || policyKinds.Contains(kind);

        // Every installed manifest parsed when it was installed; one that no longer does (a stricter schema) is left out
        // of the conflict check rather than blocking every later install.
        var installed = await InstalledModulesAsync();
        return new TenantEnvironment(
            new ModuleEnvironment(HealingPlatform.Version, policyKinds, deploymentKinds, installed),
            deploymentKinds.Where(Permitted).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// The tenant's recorded incidents: the healing history's outcome records (succeeded or failed, not preventive),
    /// the newest <see cref="ModuleRegistryOptions.MaxReplayIncidents"/>, each with its fingerprint's category, exception
    /// type and template as they are now, and the deployment's metric values recorded when the action was proposed.
    /// </summary>
    private async Task<IReadOnlyList<RecordedIncident>> RecordedIncidentsAsync()
    {
        var outcomes = new List<HistoryRecord>();
        await foreach (var row in rows.QueryAsync(HealingActionGrain.HistoryTable, RowKeys.Escape(TenantId)))
        {
            var record = JsonSerializer.Deserialize(row.Data.Span, HistoryJson.Default.HistoryRecord);
            if (record is { Preventive: false, After.Succeeded: { } } && record.Event is "succeeded" or "failed")
            {
                outcomes.Add(record);
            }
        }

        var newest = outcomes.Skip(Math.Max(0, outcomes.Count - options.Value.MaxReplayIncidents)).ToList();
        var situations = new Dictionary<string, ModuleSituation>(StringComparer.Ordinal);
        foreach (var fingerprint in newest.Select(r => r.Fingerprint).Distinct(StringComparer.Ordinal))
        {
            var grain = GrainFactory.GetGrain<IFingerprintGrain>(FingerprintKey.Format(TenantId, fingerprint));
            var info = await grain.GetAsync();
            var facts = await grain.GetFactsAsync();
            situations[fingerprint] = new ModuleSituation { Category = facts?.Category, ExceptionType = info?.ExceptionType, Template = info?.Template };
        }

        return [.. newest.Select(r => new RecordedIncident(
            situations[r.Fingerprint] with
            {
                Deployment = r.Deployment,
                FollowsVersion = r.FollowsVersion is not null,
                Metrics = r.Metrics ?? new Dictionary<string, double>(StringComparer.Ordinal),
            },
            r.Kind,
            r.After!.Succeeded!.Value))];
    }
}
