namespace HealingGrains.Core.Healing;

/// <summary>
/// The intrinsic risk of an action kind (what it can break if it goes wrong), until the risk model of a later
/// milestone replaces it. Unknown kinds are assumed riskier than the known gentle ones.
/// </summary>
public static class ActionRisk
{
    private static readonly Dictionary<string, double> Known = new(StringComparer.Ordinal)
    {
        ["scale-out"] = 0.05,
        ["clear-cache"] = 0.1,
        ["restart"] = 0.1,
        ["shed-load"] = 0.15,
        ["rollback-version"] = 0.25,
        ["failover"] = 0.35,
    };

    /// <summary>The default for kinds not listed.</summary>
    public const double Unknown = 0.2;

    /// <summary>The kind's risk in [0, 1].</summary>
    public static double Of(string kind) => Known.TryGetValue(kind, out var risk) ? risk : Unknown;
}
