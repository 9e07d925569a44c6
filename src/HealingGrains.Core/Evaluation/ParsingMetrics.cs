using System.Text.RegularExpressions;

namespace HealingGrains.Core.Evaluation;

/// <summary>The log-parsing metrics of Zhu et al. (ICSE-SEIP 2019) as the benchmark's README defines them.</summary>
public static partial class ParsingMetrics
{
    /// <summary>
    /// Grouping accuracy: a message is right iff the predicted group holding it contains exactly the messages of its
    /// true group; the share of right messages.
    /// </summary>
    public static double GroupingAccuracy(IReadOnlyList<string> truthGroups, IReadOnlyList<string> predictedGroups)
    {
        ArgumentNullException.ThrowIfNull(truthGroups);
        ArgumentNullException.ThrowIfNull(predictedGroups);
        if (truthGroups.Count != predictedGroups.Count)
        {
            throw new ArgumentException($"{truthGroups.Count} true labels but {predictedGroups.Count} predictions.", nameof(predictedGroups));
        }

        if (truthGroups.Count == 0)
        {
            return 1.0;
        }

        var truth = Members(truthGroups);
        var predicted = Members(predictedGroups);
        var right = 0;
        foreach (var members in truth.Values)
        {
            if (predicted[predictedGroups[members[0]]].SequenceEqual(members))
            {
                right += members.Count;
            }
        }

        return (double)right / truthGroups.Count;
    }

    /// <summary>Parsing accuracy: the share of messages whose predicted template equals the true one, white space normalised.</summary>
    public static double ParsingAccuracy(IReadOnlyList<string> truthTemplates, IReadOnlyList<string> predictedTemplates)
    {
        ArgumentNullException.ThrowIfNull(truthTemplates);
        ArgumentNullException.ThrowIfNull(predictedTemplates);
        if (truthTemplates.Count != predictedTemplates.Count)
        {
            throw new ArgumentException($"{truthTemplates.Count} true templates but {predictedTemplates.Count} predictions.", nameof(predictedTemplates));
        }

        if (truthTemplates.Count == 0)
        {
            return 1.0;
        }

        var right = truthTemplates.Where((t, i) => Normalise(t) == Normalise(predictedTemplates[i])).Count();
        return (double)right / truthTemplates.Count;
    }

    private static Dictionary<string, List<int>> Members(IReadOnlyList<string> groups)
    {
        var members = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < groups.Count; i++)
        {
            if (!members.TryGetValue(groups[i], out var list))
            {
                members[groups[i]] = list = [];
            }

            list.Add(i);
        }

        return members;
    }

    private static string Normalise(string template) => Whitespace().Replace(template.Trim(), " ");

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
