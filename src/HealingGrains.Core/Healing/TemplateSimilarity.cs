using HealingGrains.Core.Fingerprinting;

namespace HealingGrains.Core.Healing;

/// <summary>How alike two templates are, as the Jaccard index of their word sets with variables left out.</summary>
public static class TemplateSimilarity
{
    /// <summary>|A ∩ B| / |A ∪ B| over the templates' distinct non-variable tokens; 0 when both have none.</summary>
    public static double Jaccard(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var left = Words(a);
        var right = Words(b);
        var union = left.Count + right.Count - left.Count(right.Contains);
        return union == 0 ? 0 : (double)left.Count(right.Contains) / union;
    }

    private static HashSet<string> Words(string template) =>
        [.. template.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(t => !t.Contains(VariableMasker.Wildcard, StringComparison.Ordinal))];
}
