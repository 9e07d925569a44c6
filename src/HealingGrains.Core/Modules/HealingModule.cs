using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using HealingGrains.Core.Healing;

namespace HealingGrains.Core.Modules;

/// <summary>
/// A healing module: data, never code. A manifest (id, semantic version, the platform versions it works with, the action
/// kinds and domains it may use), rules (a match → a proposal with a priority) and its own test cases. The schema is in
/// <c>docs/architecture.md</c>; <see cref="Parse"/> checks every field and names each one that is wrong.
/// </summary>
public sealed partial record HealingModule
{
    /// <summary>Lower-case words joined by dots or dashes, at most 64 characters (<c>builtin.rules</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The module's own version.</summary>
    public required SemanticVersion Version { get; init; }

    /// <summary>The platform versions it works with.</summary>
    public required VersionRange Platform { get; init; }

    /// <summary>The action kinds its rules may propose.</summary>
    public required IReadOnlyList<string> Kinds { get; init; }

    /// <summary>The healing domains (<see cref="ErrorCategory"/> names) its rules may act in; empty: any.</summary>
    public required IReadOnlyList<string> Domains { get; init; }

    /// <summary>The rules, in the order written.</summary>
    public required IReadOnlyList<ModuleRule> Rules { get; init; }

    /// <summary>Its test cases.</summary>
    public required IReadOnlyList<ModuleTest> Tests { get; init; }

    /// <summary>The largest manifest accepted, in bytes.</summary>
    public const int MaxBytes = 256 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads and checks a manifest: the module, or every error with the path of the field it concerns.</summary>
    public static (HealingModule? Module, IReadOnlyList<ModuleError> Errors) Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxBytes)
        {
            return (null, [new ModuleError("$", $"The manifest is over {MaxBytes / 1024} KiB.")]);
        }

        ManifestDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<ManifestDto>(json, Json);
        }
        catch (JsonException ex)
        {
            return (null, [new ModuleError(ex.Path ?? "$", $"Malformed JSON: {ex.Message.Split(". Path:", 2)[0]}")]);
        }

        if (dto is null)
        {
            return (null, [new ModuleError("$", "The manifest must be a JSON object.")]);
        }

        var errors = new List<ModuleError>();
        if (dto.Id is null || !IdPattern().IsMatch(dto.Id))
        {
            errors.Add(new("id", "Required: lower-case words joined by dots or dashes, at most 64 characters (for example acme.db-retries)."));
        }

        if (!SemanticVersion.TryParse(dto.Version, out var version))
        {
            errors.Add(new("version", "Required: a semantic version such as 1.2.0."));
        }

        if (!VersionRange.TryParse(dto.Platform, out var platform, out var rangeError))
        {
            errors.Add(new("platform", rangeError!));
        }

        var kinds = dto.Permissions?.Kinds ?? [];
        var domains = dto.Permissions?.Domains ?? [];
        if (dto.Permissions is null || kinds.Count == 0)
        {
            errors.Add(new("permissions.kinds", "Required: the action kinds the module may propose (at least one)."));
        }

        for (var i = 0; i < kinds.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(kinds[i]) || !KindPattern().IsMatch(kinds[i]))
            {
                errors.Add(new($"permissions.kinds[{i}]", "An action kind: lower-case words joined by dashes (restart, scale-out)."));
            }
        }

        for (var i = 0; i < domains.Count; i++)
        {
            if (!Enum.TryParse<ErrorCategory>(domains[i], ignoreCase: false, out _))
            {
                errors.Add(new($"permissions.domains[{i}]", $"One of {string.Join(", ", Enum.GetNames<ErrorCategory>())}."));
            }
        }

        var rules = new List<ModuleRule>();
        var ruleDtos = dto.Rules ?? [];
        if (ruleDtos.Count is 0 or > 200)
        {
            errors.Add(new("rules", "Required: from 1 to 200 rules."));
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ruleDtos.Count; i++)
        {
            var rule = ModuleRule.Check(ruleDtos[i], $"rules[{i}]", kinds, domains, errors);
            if (rule is not null && !ids.Add(rule.Id))
            {
                errors.Add(new($"rules[{i}].id", $"Rule id '{rule.Id}' is used twice."));
            }
            else if (rule is not null)
            {
                rules.Add(rule);
            }
        }

        var tests = new List<ModuleTest>();
        var testDtos = dto.Tests ?? [];
        if (testDtos.Count is 0 or > 500)
        {
            errors.Add(new("tests", "Required: from 1 to 500 test cases (a module proves its rules before it is installed)."));
        }

        for (var i = 0; i < testDtos.Count; i++)
        {
            if (ModuleTest.Check(testDtos[i], $"tests[{i}]", errors) is { } test)
            {
                tests.Add(test);
            }
        }

        return errors.Count > 0
            ? (null, errors)
            : (new HealingModule { Id = dto.Id!, Version = version, Platform = platform, Kinds = kinds, Domains = domains, Rules = rules, Tests = tests }, []);
    }

    /// <summary>What the module proposes for <paramref name="situation"/> among <paramref name="allowed"/> kinds: every matching rule, highest priority first.</summary>
    public IReadOnlyList<ModuleProposal> Evaluate(ModuleSituation situation, IReadOnlyCollection<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(situation);
        ArgumentNullException.ThrowIfNull(allowed);
        return [.. Rules
            .Where(r => allowed.Contains(r.Kind) && r.Matches(situation) && (Domains.Count == 0 || situation.Category is null || Domains.Contains(situation.Category)))
            .Select((r, order) => (Rule: r, Order: order))
            .OrderByDescending(x => x.Rule.Priority).ThenBy(x => x.Order)
            .Select(x => new ModuleProposal(Id, x.Rule.Id, x.Rule.Kind, x.Rule.Parameters, x.Rule.Priority))];
    }

    /// <summary>Runs the module's own test cases: the failures, each with what was expected and what came.</summary>
    public IReadOnlyList<string> RunTests()
    {
        var failures = new List<string>();
        foreach (var test in Tests)
        {
            var proposals = Evaluate(test.Situation, test.Allowed ?? Kinds);
            var proposed = proposals.Count == 0 ? null : proposals[0];
            if (proposed?.Kind != test.Expect)
            {
                failures.Add($"{test.Name}: expected {test.Expect ?? "no proposal"}, got {(proposed is null ? "no proposal" : $"{proposed.Kind} (rule {proposed.Rule})")}.");
            }
        }

        return failures;
    }

    [GeneratedRegex(@"^(?=.{1,64}$)[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")]
    internal static partial Regex KindPattern();

    internal sealed record ManifestDto(string? Id, string? Version, string? Platform, PermissionsDto? Permissions, List<RuleDto>? Rules, List<TestDto>? Tests);

    internal sealed record PermissionsDto(List<string>? Kinds, List<string>? Domains);

    internal sealed record RuleDto(string? Id, MatchDto? Match, ProposeDto? Propose);

    internal sealed record MatchDto(string? Category, string? ExceptionType, string? Template, bool? FollowsVersion, string? Deployment, MetricDto? Metric);

    internal sealed record MetricDto(string? Name, double? Above, double? Below);

    internal sealed record ProposeDto(string? Kind, Dictionary<string, string>? Parameters, int? Priority);

    internal sealed record TestDto(string? Name, SituationDto? Situation, List<string>? Allowed, string? Expect);

    internal sealed record SituationDto(string? Category, string? ExceptionType, string? Template, bool? FollowsVersion, string? Deployment, Dictionary<string, double>? Metrics);
}

/// <summary>A field of a manifest that is wrong, and how.</summary>
/// <param name="Path">The field (<c>rules[2].propose.kind</c>).</param>
/// <param name="Message">What is wrong and what is expected.</param>
public sealed record ModuleError(string Path, string Message);

/// <summary>What a rule proposes.</summary>
public sealed record ModuleProposal(string Module, string Rule, string Kind, IReadOnlyDictionary<string, string> Parameters, int Priority);

/// <summary>What a rule can match on: the error's category, exception type and template, the deployment, whether it followed a new version, and the latest metrics.</summary>
public sealed record ModuleSituation
{
    /// <summary>The error's category (an <see cref="ErrorCategory"/> name), if known.</summary>
    public string? Category { get; init; }

    /// <summary>The exception type.</summary>
    public string? ExceptionType { get; init; }

    /// <summary>The fingerprint's template.</summary>
    public string? Template { get; init; }

    /// <summary>Whether the error first appeared right after a new version.</summary>
    public bool FollowsVersion { get; init; }

    /// <summary>The deployment's name.</summary>
    public string? Deployment { get; init; }

    /// <summary>The deployment's latest metric values.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}
