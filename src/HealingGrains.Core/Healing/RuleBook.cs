using HealingGrains.Core.Modules;

namespace HealingGrains.Core.Healing;

/// <summary>
/// The rule-based healing the fail-safe falls back to: no learning, only what an SRE would try first, as the built-in
/// module <c>builtin.rules</c> writes it (a regression after a new version is rolled back, a crash loop or memory
/// exhaustion restarted, saturation scaled out, anything else restarted, then scaled out, …). A deployment whose kinds no
/// rule covers gets nothing: the fail-safe invents no remedy. (The host asks <c>IModuleRegistryGrain.MatchAsync</c>,
/// which adds the tenant's installed modules; this is the built-in module alone, for the simulator's baseline.)
/// </summary>
public static class RuleBook
{
    /// <summary>The rule's choice among <paramref name="allowed"/>, or null when no rule proposes an allowed kind.</summary>
    public static (string Kind, string Reasoning)? Choose(IReadOnlyList<string> allowed, string? followsVersion, ModuleSituation? situation = null)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var module = BuiltInModules.Rules;
        var proposals = module.Evaluate((situation ?? new ModuleSituation()) with { FollowsVersion = followsVersion is not null }, allowed);
        if (proposals.Count > 0)
        {
            var p = proposals[0];
            return (p.Kind, Reasoning(p.Kind, p.Rule, module.Id, module.Version.ToString(), followsVersion));
        }

        return null;
    }

    /// <summary>The sentence a rule-based proposal gives: which rule of which module, and why.</summary>
    public static string Reasoning(string kind, string rule, string module, string version, string? followsVersion)
    {
        var why = kind == Recommender.RollbackKind && followsVersion is not null
            ? $"the error first appeared right after version {followsVersion}; roll back"
            : $"{kind} is the remedy it gives";
        return $"Rule {rule} of module {module} {version}: {why}.";
    }
}
