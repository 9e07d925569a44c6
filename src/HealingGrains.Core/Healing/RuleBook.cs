namespace HealingGrains.Core.Healing;

/// <summary>
/// The built-in rules the fail-safe falls back to: no learning, only what an SRE would try first. A regression after
/// a new version is rolled back; anything else is restarted; then scaled out; else the first allowed kind.
/// </summary>
public static class RuleBook
{
    private static readonly string[] Preference = ["restart", "scale-out", "clear-cache", "failover"];

    /// <summary>The rule's choice among <paramref name="allowed"/>, or null when nothing is allowed.</summary>
    public static (string Kind, string Reasoning)? Choose(IReadOnlyList<string> allowed, string? followsVersion)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        if (followsVersion is not null && allowed.Contains(Recommender.RollbackKind))
        {
            return (Recommender.RollbackKind, $"Rule: the error first appeared right after version {followsVersion}; roll back.");
        }

        foreach (var kind in Preference)
        {
            if (allowed.Contains(kind))
            {
                return (kind, $"Rule: {kind} is the first safe remedy for an unknown error.");
            }
        }

        return allowed.Count == 0 ? null : (allowed[0], $"Rule: {allowed[0]} is the only remedy this deployment allows.");
    }
}
