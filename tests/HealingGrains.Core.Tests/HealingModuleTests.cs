using HealingGrains.Core.Healing;
using HealingGrains.Core.Modules;

namespace HealingGrains.Core.Tests;

public sealed class HealingModuleTests
{
    private const string Valid = """
        {
          "id": "acme.db-pool",
          "version": "1.2.0",
          "platform": "^1.0.0",
          "permissions": { "kinds": ["restart", "scale-out"], "domains": ["Database", "Capacity"] },
          "rules": [
            { "id": "pool", "match": { "category": "Database", "template": "Connection pool exhausted: <*>" }, "propose": { "kind": "scale-out", "parameters": { "replicas": "+1" }, "priority": 500 } },
            { "id": "npgsql", "match": { "exceptionType": "NpgsqlException", "deployment": "*-prod" }, "propose": { "kind": "restart", "priority": 400 } }
          ],
          "tests": [
            { "name": "pool", "situation": { "category": "Database", "template": "Connection pool exhausted: <*> of <*> in use" }, "expect": "scale-out" },
            { "name": "npgsql in prod", "situation": { "exceptionType": "Npgsql.NpgsqlException", "deployment": "orders-prod" }, "expect": "restart" },
            { "name": "npgsql in staging", "situation": { "exceptionType": "Npgsql.NpgsqlException", "deployment": "orders-staging" }, "expect": null }
          ]
        }
        """;

    [Fact]
    public void AValidManifestParsesMatchesByPriorityAndPassesItsOwnTests()
    {
        var (module, errors) = HealingModule.Parse(Valid);

        Assert.Empty(errors);
        Assert.Equal(("acme.db-pool", "1.2.0"), (module!.Id, module.Version.ToString()));
        Assert.True(module.Platform.Contains(new SemanticVersion(1, 9, 0)));
        Assert.False(module.Platform.Contains(new SemanticVersion(2, 0, 0)));
        Assert.Empty(module.RunTests());

        var both = new ModuleSituation
        {
            Category = "Database", ExceptionType = "NpgsqlException", Template = "Connection pool exhausted: <*> of <*> in use", Deployment = "shop-prod",
        };
        Assert.Equal(["scale-out", "restart"], module.Evaluate(both, ["restart", "scale-out"]).Select(p => p.Kind));
        Assert.Equal("+1", module.Evaluate(both, ["scale-out"])[0].Parameters["replicas"]);
        Assert.Empty(module.Evaluate(both with { Category = "Network" }, ["scale-out"]));
    }

    [Fact]
    public void ARuleOfManyWildcardsAgainstALongTemplateAnswersWithoutBacktracking()
    {
        // Four "<*>" between words that never come: on a backtracking engine this tries every way of cutting 3,000
        // words into four runs (about 10^13) and its timeout threw; it must answer, and answer right.
        var (module, errors) = HealingModule.Parse(Valid.Replace("\"template\": \"Connection pool exhausted: <*>\"",
            "\"template\": \"Connection <*> pool <*> <*> <*> exhausted\"", StringComparison.Ordinal).Replace(
            "\"template\": \"Connection pool exhausted: <*> of <*> in use\" }, \"expect\": \"scale-out\"",
            "\"template\": \"Connection a pool b c d exhausted\" }, \"expect\": \"scale-out\"", StringComparison.Ordinal));
        Assert.Empty(errors);
        var words = string.Join(' ', Enumerable.Repeat("pool", 3_000));
        var situation = new ModuleSituation { Category = "Database", Template = $"Connection {words} in use" };

        Assert.Empty(module!.Evaluate(situation, ["scale-out"]));
        Assert.Equal(["scale-out"], module.Evaluate(situation with { Template = $"Connection {words} exhausted" }, ["scale-out"]).Select(p => p.Kind));
        Assert.Empty(module.RunTests());
    }

    [Theory]
    [InlineData("\"id\": \"acme.db-pool\"", "\"id\": \"Acme DB\"", "id")]
    [InlineData("\"version\": \"1.2.0\"", "\"version\": \"1.2\"", "version")]
    [InlineData("\"platform\": \"^1.0.0\"", "\"platform\": \">=one\"", "platform")]
    [InlineData("\"kinds\": [\"restart\", \"scale-out\"]", "\"kinds\": []", "permissions.kinds")]
    [InlineData("\"domains\": [\"Database\", \"Capacity\"]", "\"domains\": [\"Plumbing\"]", "permissions.domains[0]")]
    [InlineData("\"kind\": \"restart\", \"priority\": 400", "\"kind\": \"failover\", \"priority\": 400", "rules[1].propose.kind")]
    [InlineData("\"kind\": \"restart\", \"priority\": 400", "\"kind\": \"restart\", \"priority\": 4000", "rules[1].propose.priority")]
    [InlineData("\"id\": \"npgsql\"", "\"id\": \"pool\"", "rules[1].id")]
    [InlineData("\"match\": { \"category\": \"Database\", \"template\"", "\"match\": { \"category\": \"Network\", \"template\"", "rules[0].match.category")]
    [InlineData("\"tests\": [", "\"extra\": 1, \"tests\": [", "$")]
    public void EveryWrongFieldIsNamedWithWhatIsExpected(string from, string to, string path)
    {
        Assert.Contains(from, Valid, StringComparison.Ordinal);
        var (module, errors) = HealingModule.Parse(Valid.Replace(from, to, StringComparison.Ordinal));

        Assert.Null(module);
        Assert.Contains(errors, e => e.Path == path || (path == "$" && e.Message.Contains("extra", StringComparison.Ordinal)));
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Fact]
    public void MalformedOrOversizedManifestsAreRefusedWithAReason()
    {
        Assert.Contains("Malformed JSON", HealingModule.Parse("{ \"id\": ").Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("KiB", HealingModule.Parse(new string(' ', HealingModule.MaxBytes + 1)).Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains(HealingModule.Parse("{}").Errors, e => e.Path == "tests");
    }

    [Fact]
    public void AModuleWhoseTestsFailSaysWhichAndWhy()
    {
        var (module, _) = HealingModule.Parse(Valid.Replace("\"expect\": \"scale-out\"", "\"expect\": \"restart\"", StringComparison.Ordinal));
        var failure = Assert.Single(module!.RunTests());
        Assert.Equal("pool: expected restart, got scale-out (rule pool).", failure);
    }

    [Fact]
    public void TheFailSafesRuleBookIsTheBuiltInModuleAndItPassesItsOwnTests()
    {
        Assert.Equal("builtin.rules", BuiltInModules.Rules.Id);
        Assert.Empty(BuiltInModules.Rules.RunTests());

        string[] all = ["restart", "scale-out", "rollback-version", "clear-cache"];
        var rollback = RuleBook.Choose(all, "1.4.3")!.Value;
        Assert.Equal("rollback-version", rollback.Kind);
        Assert.Contains("rollback-after-release of module builtin.rules 1.0.0", rollback.Reasoning, StringComparison.Ordinal);
        Assert.Equal("restart", RuleBook.Choose(all, null)!.Value.Kind);
        Assert.Equal("scale-out", RuleBook.Choose(all, null, new ModuleSituation { Category = "Capacity" })!.Value.Kind);
        Assert.Null(RuleBook.Choose(["custom-kind"], null));
        Assert.Null(RuleBook.Choose([], null));
    }

    [Theory]
    [InlineData("1.2.3", "1.2.3-beta", 1)]
    [InlineData("1.2.3-beta.2", "1.2.3-beta.10", -1)]
    [InlineData("2.0.0", "1.99.99", 1)]
    [InlineData("v1.0.0+build.7", "1.0.0", 0)]
    public void SemanticVersionsOrderAsSemVerSays(string a, string b, int sign)
    {
        Assert.True(SemanticVersion.TryParse(a, out var x));
        Assert.True(SemanticVersion.TryParse(b, out var y));
        Assert.Equal(sign, Math.Sign(x.CompareTo(y)));
    }

    [Theory]
    [InlineData(">=1.0.0 <2.0.0", "1.5.0", true)]
    [InlineData(">=1.0.0 <2.0.0", "2.0.0", false)]
    [InlineData("~1.2.0", "1.2.9", true)]
    [InlineData("~1.2.0", "1.3.0", false)]
    [InlineData("^0.3.1", "0.3.5", true)]
    [InlineData("^0.3.1", "0.4.0", false)]
    [InlineData("*", "9.9.9", true)]
    [InlineData("1.0.0", "1.0.1", false)]
    public void PlatformRangesContainWhatTheySay(string range, string version, bool contained)
    {
        Assert.True(VersionRange.TryParse(range, out var r, out _));
        Assert.True(SemanticVersion.TryParse(version, out var v));
        Assert.Equal(contained, r.Contains(v));
    }
}
