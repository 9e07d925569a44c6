using System.Text.Json;
using HealingGrains.Core.Adaptation;
using HealingGrains.Core.Modules;

namespace HealingGrains.Core.Tests.Adaptation;

/// <summary>
/// Code analysis on a corpus of realistic fix diffs written for this project (<c>Adaptation/FixCorpus</c>): each diff's
/// expected patterns (kind, and the exception type or setting where there is one) and flags are asserted exactly.
/// </summary>
public sealed class FixCorpusTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Adaptation", "FixCorpus");

    public static TheoryData<string> Diffs()
    {
        var data = new TheoryData<string>();
        foreach (var entry in Expected())
        {
            data.Add(entry.GetProperty("file").GetString()!);
        }

        return data;
    }

    [Fact]
    public void TheCorpusHasAtLeastTwentyDiffsCoveringEveryPatternAndEveryFlag()
    {
        var entries = Expected();
        Assert.True(entries.Count >= 20, $"{entries.Count} diffs");
        Assert.Equal(entries.Count, Directory.GetFiles(Folder, "*.diff").Length);
        var kinds = entries.SelectMany(e => e.GetProperty("patterns").EnumerateArray().Select(p => p.GetProperty("kind").GetString())).ToHashSet();
        var flags = entries.SelectMany(e => e.GetProperty("flags").EnumerateArray().Select(f => f.GetString())).ToHashSet();
        Assert.All(Enum.GetNames<FixPatternKind>(), k => Assert.Contains(k, kinds));
        Assert.All(Enum.GetNames<SafetyFlag>(), f => Assert.Contains(f, flags));
    }

    [Theory]
    [MemberData(nameof(Diffs))]
    public void EachDiffYieldsExactlyItsExpectedPatternsAndFlags(string file)
    {
        var entry = Expected().Single(e => e.GetProperty("file").GetString() == file);
        var changes = UnifiedDiff.Parse(File.ReadAllText(Path.Combine(Folder, file)));

        var analysis = FixAnalyzer.Analyze(changes, "0123456789abcdef");

        var expectedPatterns = entry.GetProperty("patterns").EnumerateArray()
            .Select(p => Key(p.GetProperty("kind").GetString()!, p.TryGetProperty("detail", out var d) ? d.GetString() : null))
            .Order(StringComparer.Ordinal);
        var actualPatterns = analysis.Patterns.Select(p => Key(p.Kind.ToString(), p.Detail)).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(expectedPatterns, actualPatterns);

        var expectedFlags = entry.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(expectedFlags, analysis.Flags.Select(f => f.Flag.ToString()).Distinct().Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Diffs))]
    public void EachDiffThatTeachesSomethingDraftsAValidModuleWhoseRulesAreItsBehavioursAndWhoseTestsPass(string file)
    {
        var changes = UnifiedDiff.Parse(File.ReadAllText(Path.Combine(Folder, file)));
        var analysis = FixAnalyzer.Analyze(changes, "Fp_0123456789abcdef", "System.TimeoutException");

        var draft = ModuleDraft.From(analysis, "Fp_0123456789abcdef", "Order <*> could not be loaded");

        if (analysis.Behaviours.Count == 0)
        {
            Assert.Null(draft);
            return;
        }

        var (module, errors) = HealingModule.Parse(draft!);
        Assert.True(module is not null, string.Join(" ", errors.Select(e => $"{e.Path}: {e.Message}")));
        Assert.Equal("fix.fp-0123456789abcdef", module.Id);
        Assert.Equal(analysis.Behaviours.Select(b => (b.Kind, b.Priority)), module.Rules.Select(r => (r.Kind, r.Priority)));
        Assert.Equal(analysis.Behaviours.Select(b => b.Parameters.OrderBy(p => p.Key)), module.Rules.Select(r => r.Parameters.OrderBy(p => p.Key)));
        Assert.Empty(module.RunTests());
        Assert.Equal(analysis.Behaviours[0].Kind, module.Evaluate(new ModuleSituation { ExceptionType = analysis.Behaviours[0].ExceptionType }, module.Kinds)[0].Kind);
    }

    [Fact]
    public void ADraftWithoutAnExceptionTypeMatchesTheTemplateAndNoneIsDraftedWithNothingToMatchOn()
    {
        var analysis = new FixAnalysis([], [], [new CandidateRule("fp", null, "enable-cache", new Dictionary<string, string>(), 20, FixPatternKind.Caching)], []);

        var (module, _) = HealingModule.Parse(ModuleDraft.From(analysis, "fp", "Catalog <*> slow")!);

        Assert.Equal("enable-cache", module!.Evaluate(new ModuleSituation { Template = "Catalog page 7 slow" }, ["enable-cache"]).Single().Kind);
        Assert.Empty(module.Evaluate(new ModuleSituation { Template = "Checkout slow" }, ["enable-cache"]));
        Assert.Null(ModuleDraft.From(analysis, "fp", template: null));
    }

    // The detail compares by its last segment, case and spaces aside: "HttpClient.Timeout" is the setting "Timeout",
    // "Maximum Pool Size" the same as "MaximumPoolSize".
    private static string Key(string kind, string? detail)
    {
        if (detail is null || kind is not ("CatchAdded" or "TimeoutChanged" or "PoolSize"))
        {
            return kind;
        }

        var last = detail.Contains('.', StringComparison.Ordinal) && kind != "CatchAdded" ? detail[(detail.LastIndexOf('.') + 1)..] : detail;
        return $"{kind}:{last.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()}";
    }

    private static List<JsonElement> Expected()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json")));
        return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
    }
}
