using System.Globalization;

namespace HealingGrains.Core.Modules;

/// <summary>What a module is checked against before it is installed for a tenant.</summary>
/// <param name="Platform">This platform's version.</param>
/// <param name="PolicyKinds">The kinds the tenant's policy allows (null: every kind).</param>
/// <param name="DeploymentKinds">The kinds some deployment of the tenant can run.</param>
/// <param name="Installed">The modules installed now.</param>
public sealed record ModuleEnvironment(
    SemanticVersion Platform, IReadOnlyCollection<string>? PolicyKinds, IReadOnlyCollection<string> DeploymentKinds, IReadOnlyList<HealingModule> Installed);

/// <summary>One recorded incident: what the situation was, which kind was tried and whether it worked.</summary>
public sealed record RecordedIncident(ModuleSituation Situation, string KindTried, bool Succeeded);

/// <summary>What a module would have done on the recorded incidents, against what actually worked.</summary>
/// <param name="Incidents">Incidents replayed.</param>
/// <param name="Proposed">How often it would have proposed each kind.</param>
/// <param name="Agreed">Incidents where it would have proposed the kind that was tried and worked.</param>
/// <param name="Disagreed">Incidents where it would have proposed a kind that was tried there and failed.</param>
/// <param name="RecordedSuccess">Each proposed kind's recorded success rate over all incidents that tried it, and how many tried it.</param>
/// <param name="Refusal">Why the module must not be installed, or null.</param>
public sealed record ReplayResult(
    int Incidents,
    IReadOnlyDictionary<string, int> Proposed,
    int Agreed,
    int Disagreed,
    IReadOnlyDictionary<string, (double Rate, int Tries)> RecordedSuccess,
    string? Refusal);

/// <summary>
/// The checks a module passes before it is installed, Orleans-free: compatibility (platform range, permissions within
/// the tenant's policy, only kinds some deployment can run, no version downgrade, no rule that contradicts an installed
/// one) and a replay of the tenant's recorded incidents (refused when it would propose a kind whose recorded success is
/// below a floor).
/// </summary>
public static class ModuleIntegration
{
    /// <summary>Every reason the module cannot be installed in <paramref name="environment"/> (empty: compatible).</summary>
    public static IReadOnlyList<string> Compatibility(HealingModule module, ModuleEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(environment);
        var refusals = new List<string>();
        if (!module.Platform.Contains(environment.Platform))
        {
            refusals.Add($"The module needs platform {module.Platform}; this platform is {environment.Platform}.");
        }

        foreach (var kind in module.Kinds)
        {
            if (environment.PolicyKinds is { } allowed && !allowed.Contains(kind))
            {
                refusals.Add($"Kind {kind} is not allowed by the tenant's policy (allowedKinds).");
            }
            else if (!environment.DeploymentKinds.Contains(kind))
            {
                refusals.Add($"No deployment of the tenant can run kind {kind}.");
            }
        }

        if (environment.Installed.FirstOrDefault(m => m.Id == module.Id) is { } same && module.Version <= same.Version)
        {
            refusals.Add($"{module.Id} {same.Version} is installed; only a higher version can replace it (this is {module.Version}).");
        }

        // Two rules that match the same situations at the same priority but propose different kinds: which one wins
        // would depend on installation order.
        foreach (var other in environment.Installed.Where(m => m.Id != module.Id))
        {
            foreach (var rule in module.Rules)
            {
                foreach (var theirs in other.Rules.Where(r => r.Priority == rule.Priority && r.Kind != rule.Kind && SameConditions(r, rule)))
                {
                    refusals.Add($"Rule {rule.Id} conflicts with rule {theirs.Id} of {other.Id}: same conditions and priority ({rule.Priority}), but {rule.Kind} against {theirs.Kind}.");
                }
            }
        }

        return refusals;
    }

    /// <summary>Replays <paramref name="incidents"/>: what the module would have proposed among <paramref name="allowed"/> kinds, against what worked.</summary>
    public static ReplayResult Replay(HealingModule module, IReadOnlyCollection<RecordedIncident> incidents, IReadOnlyCollection<string> allowed, double floor = 0.3, int minimumTries = 5)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(incidents);
        var proposed = new Dictionary<string, int>(StringComparer.Ordinal);
        int agreed = 0, disagreed = 0;
        foreach (var incident in incidents)
        {
            var proposals = module.Evaluate(incident.Situation, allowed);
            if (proposals.Count == 0)
            {
                continue;
            }

            var kind = proposals[0].Kind;
            proposed[kind] = proposed.GetValueOrDefault(kind) + 1;
            if (kind == incident.KindTried)
            {
                if (incident.Succeeded)
                {
                    agreed++;
                }
                else
                {
                    disagreed++;
                }
            }
        }

        var recorded = proposed.Keys.ToDictionary(
            k => k,
            k =>
            {
                var tries = incidents.Where(i => i.KindTried == k).ToList();
                return (tries.Count == 0 ? double.NaN : (double)tries.Count(i => i.Succeeded) / tries.Count, tries.Count);
            },
            StringComparer.Ordinal);
        var harmful = recorded.Where(r => r.Value.Item2 >= minimumTries && r.Value.Item1 < floor).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        var refusal = harmful.Count == 0
            ? null
            : string.Join(" ", harmful.Select(h => string.Create(CultureInfo.InvariantCulture,
                $"It would propose {h.Key} {proposed[h.Key]} times, which worked in {h.Value.Item1 * 100:0}% of its {h.Value.Item2} recorded tries (the floor is {floor * 100:0}%).")));
        return new ReplayResult(incidents.Count, proposed, agreed, disagreed, recorded, refusal);
    }

    private static bool SameConditions(ModuleRule a, ModuleRule b) =>
        a.Category == b.Category && a.ExceptionType == b.ExceptionType && a.Template == b.Template && a.FollowsVersion == b.FollowsVersion
        && a.Deployment == b.Deployment && a.Metric == b.Metric;
}
