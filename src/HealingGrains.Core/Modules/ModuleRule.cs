using System.Text.RegularExpressions;
using HealingGrains.Core.Healing;

namespace HealingGrains.Core.Modules;

/// <summary>
/// One rule: every condition given must hold (category, exception type, a template pattern where <c>&lt;*&gt;</c>
/// stands for any run of words, following a new version, a deployment name pattern with <c>*</c>, a metric above or
/// below a value), then it proposes a kind with parameters at a priority (0 to 1,000, higher first). A rule with no
/// condition matches everything: a fallback.
/// </summary>
public sealed record ModuleRule
{
    /// <summary>Its id, unique in the module.</summary>
    public required string Id { get; init; }

    /// <summary>The category it matches.</summary>
    public string? Category { get; init; }

    /// <summary>The exception type it matches (exactly, or the type's last segment).</summary>
    public string? ExceptionType { get; init; }

    /// <summary>The template pattern it matches.</summary>
    public string? Template { get; init; }

    /// <summary>Whether it matches only errors that followed a new version (true) or only others (false).</summary>
    public bool? FollowsVersion { get; init; }

    /// <summary>The deployment name pattern (<c>*</c> for any run of characters).</summary>
    public string? Deployment { get; init; }

    /// <summary>The metric condition.</summary>
    public (string Name, double? Above, double? Below)? Metric { get; init; }

    /// <summary>The kind it proposes.</summary>
    public required string Kind { get; init; }

    /// <summary>The proposal's parameters.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>0 to 1,000, higher first.</summary>
    public int Priority { get; init; }

    private Regex? _template;
    private Regex? _deployment;

    /// <summary>Whether the rule matches.</summary>
    public bool Matches(ModuleSituation s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (Category is not null && !string.Equals(Category, s.Category, StringComparison.Ordinal))
        {
            return false;
        }

        if (ExceptionType is not null && (s.ExceptionType is null
            || !(s.ExceptionType == ExceptionType || s.ExceptionType.EndsWith("." + ExceptionType, StringComparison.Ordinal))))
        {
            return false;
        }

        if (FollowsVersion is { } follows && follows != s.FollowsVersion)
        {
            return false;
        }

        if (Template is not null && (s.Template is null || !(_template ??= TemplateRegex(Template)).IsMatch(s.Template)))
        {
            return false;
        }

        if (Deployment is not null && (s.Deployment is null || !(_deployment ??= Glob(Deployment)).IsMatch(s.Deployment)))
        {
            return false;
        }

        if (Metric is { } metric)
        {
            if (!s.Metrics.TryGetValue(metric.Name, out var value) || value <= (metric.Above ?? double.NegativeInfinity) || value >= (metric.Below ?? double.PositiveInfinity))
            {
                return false;
            }
        }

        return true;
    }

    internal static ModuleRule? Check(HealingModule.RuleDto? dto, string path, IReadOnlyList<string> kinds, IReadOnlyList<string> domains, List<ModuleError> errors)
    {
        var before = errors.Count;
        if (dto is null)
        {
            errors.Add(new(path, "A rule must be an object."));
            return null;
        }

        if (string.IsNullOrWhiteSpace(dto.Id) || dto.Id.Length > 64)
        {
            errors.Add(new($"{path}.id", "Required: the rule's id, at most 64 characters."));
        }

        var match = dto.Match;
        if (match?.Category is { } category && !Enum.TryParse<ErrorCategory>(category, ignoreCase: false, out _))
        {
            errors.Add(new($"{path}.match.category", $"One of {string.Join(", ", Enum.GetNames<ErrorCategory>())}."));
        }
        else if (match?.Category is { } inDomain && domains.Count > 0 && !domains.Contains(inDomain))
        {
            errors.Add(new($"{path}.match.category", $"'{inDomain}' is not among the module's permitted domains."));
        }

        if (match?.Template is { Length: 0 or > 1_000 })
        {
            errors.Add(new($"{path}.match.template", "A template pattern of 1 to 1,000 characters."));
        }

        if (match?.ExceptionType is { Length: 0 or > 200 })
        {
            errors.Add(new($"{path}.match.exceptionType", "An exception type of 1 to 200 characters."));
        }

        if (match?.Deployment is { } deployment && (deployment.Length is 0 or > 100))
        {
            errors.Add(new($"{path}.match.deployment", "A deployment name pattern of 1 to 100 characters."));
        }

        if (match?.Metric is { } metric)
        {
            if (string.IsNullOrWhiteSpace(metric.Name))
            {
                errors.Add(new($"{path}.match.metric.name", "Required: the metric's name."));
            }

            if (metric.Above is null && metric.Below is null)
            {
                errors.Add(new($"{path}.match.metric", "Give above, below or both."));
            }
            else if (metric.Above is { } a && metric.Below is { } b && a >= b)
            {
                errors.Add(new($"{path}.match.metric", "above must be less than below."));
            }
        }

        var propose = dto.Propose;
        if (propose?.Kind is not { } kind || !HealingModule.KindPattern().IsMatch(kind))
        {
            errors.Add(new($"{path}.propose.kind", "Required: an action kind."));
        }
        else if (!kinds.Contains(kind))
        {
            errors.Add(new($"{path}.propose.kind", $"'{kind}' is not among the module's permitted kinds ({string.Join(", ", kinds)})."));
        }

        if (propose?.Priority is not (>= 0 and <= 1_000))
        {
            errors.Add(new($"{path}.propose.priority", "Required: a priority from 0 to 1,000."));
        }

        if (propose?.Parameters is { } parameters && (parameters.Count > 20 || parameters.Any(p => p.Key.Length is 0 or > 64 || p.Value is null || p.Value.Length > 256)))
        {
            errors.Add(new($"{path}.propose.parameters", "At most 20 parameters, names of 1 to 64 characters, values up to 256."));
        }

        return errors.Count > before ? null : new ModuleRule
        {
            Id = dto.Id!,
            Category = match?.Category,
            ExceptionType = match?.ExceptionType,
            Template = match?.Template,
            FollowsVersion = match?.FollowsVersion,
            Deployment = match?.Deployment,
            Metric = match?.Metric is { } m ? (m.Name!, m.Above, m.Below) : null,
            Kind = propose!.Kind!,
            Parameters = propose.Parameters ?? [],
            Priority = propose.Priority!.Value,
        };
    }

    // "<*>" is any run of words; other words must match, white space aside. Both patterns run on the non-backtracking
    // engine, in time linear in the input whatever a module's author wrote, so they need no timeout. They had one of
    // 50 ms on the backtracking engine, which a few "<*>" against a long template could pass, and so could any match
    // on a host starved of CPU: the match threw, and with it the delivery of the batch being processed.
    private static Regex TemplateRegex(string pattern)
    {
        var parts = pattern.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w == "<*>" ? @"\S+(?:\s+\S+)*" : Regex.Escape(w));
        return new Regex("^" + string.Join(@"\s+", parts) + "$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }

    private static Regex Glob(string pattern) =>
        new("^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}

/// <summary>A module's own test case: a situation, the kinds allowed (default: the module's), and the kind expected first (null: no proposal).</summary>
public sealed record ModuleTest(string Name, ModuleSituation Situation, IReadOnlyList<string>? Allowed, string? Expect)
{
    internal static ModuleTest? Check(HealingModule.TestDto? dto, string path, List<ModuleError> errors)
    {
        if (dto is null || string.IsNullOrWhiteSpace(dto.Name) || dto.Situation is null)
        {
            errors.Add(new(path, "A test needs a name and a situation."));
            return null;
        }

        var s = dto.Situation;
        return new ModuleTest(dto.Name, new ModuleSituation
        {
            Category = s.Category,
            ExceptionType = s.ExceptionType,
            Template = s.Template,
            FollowsVersion = s.FollowsVersion ?? false,
            Deployment = s.Deployment,
            Metrics = s.Metrics ?? [],
        }, dto.Allowed, dto.Expect);
    }
}
