using HealingGrains.Core.Modules;

namespace HealingGrains.Core.Tests;

public sealed class ModuleIntegrationTests
{
    private static HealingModule Module(string id = "acme.net", string version = "1.0.0", string platform = "^1.0.0", string kinds = "\"restart\", \"failover\"", string rules = """{ "id": "net", "match": { "category": "Network" }, "propose": { "kind": "failover", "priority": 500 } }""")
    {
        var json = $$"""
            { "id": "{{id}}", "version": "{{version}}", "platform": "{{platform}}", "permissions": { "kinds": [{{kinds}}], "domains": [] },
              "rules": [ {{rules}} ],
              "tests": [ { "name": "t", "situation": { "category": "Network" }, "expect": "failover" } ] }
            """;
        var (module, errors) = HealingModule.Parse(json);
        Assert.Empty(errors);
        return module!;
    }

    private static ModuleEnvironment Environment(string[]? policy = null, string[]? deployments = null, params HealingModule[] installed) =>
        new(new SemanticVersion(1, 4, 0), policy, deployments ?? ["restart", "failover", "scale-out"], installed);

    [Fact]
    public void ACompatibleModulePassesAndEveryRefusalSaysWhy()
    {
        Assert.Empty(ModuleIntegration.Compatibility(Module(), Environment()));

        Assert.Contains("needs platform ^2.0.0; this platform is 1.4.0", Assert.Single(ModuleIntegration.Compatibility(Module(platform: "^2.0.0"), Environment())), StringComparison.Ordinal);
        Assert.Contains("Kind failover is not allowed by the tenant's policy", Assert.Single(ModuleIntegration.Compatibility(Module(), Environment(policy: ["restart"]))), StringComparison.Ordinal);
        Assert.Contains("No deployment of the tenant can run kind failover", Assert.Single(ModuleIntegration.Compatibility(Module(), Environment(deployments: ["restart"]))), StringComparison.Ordinal);
        Assert.Contains("only a higher version can replace it", Assert.Single(ModuleIntegration.Compatibility(Module(version: "1.0.0"), Environment(installed: Module(version: "1.1.0")))), StringComparison.Ordinal);
        Assert.Empty(ModuleIntegration.Compatibility(Module(version: "1.2.0"), Environment(installed: Module(version: "1.1.0"))));

        var conflicting = Module(id: "other.net", rules: """{ "id": "net2", "match": { "category": "Network" }, "propose": { "kind": "restart", "priority": 500 } }""");
        Assert.Contains("Rule net2 conflicts with rule net of acme.net", Assert.Single(ModuleIntegration.Compatibility(conflicting, Environment(installed: Module()))), StringComparison.Ordinal);
        var lower = Module(id: "other.net", rules: """{ "id": "net2", "match": { "category": "Network" }, "propose": { "kind": "restart", "priority": 400 } }""");
        Assert.Empty(ModuleIntegration.Compatibility(lower, Environment(installed: Module())));
    }

    [Fact]
    public void AReplayRefusesAModuleThatWouldProposeWhatRarelyWorkedAndAcceptsOneThatWouldProposeWhatDid()
    {
        // Recorded: on network errors, failover worked 1 time in 10, restart 9 in 10.
        var network = new ModuleSituation { Category = "Network" };
        var incidents = Enumerable.Range(0, 10).Select(i => new RecordedIncident(network, "failover", i == 0))
            .Concat(Enumerable.Range(0, 10).Select(i => new RecordedIncident(network, "restart", i != 0)))
            .ToList();
        string[] allowed = ["restart", "failover"];

        var harmful = ModuleIntegration.Replay(Module(), incidents, allowed);
        Assert.Equal(20, harmful.Proposed["failover"]);
        Assert.Equal((0.1, 10), harmful.RecordedSuccess["failover"]);
        Assert.Equal((1, 9), (harmful.Agreed, harmful.Disagreed));
        Assert.Contains("It would propose failover 20 times, which worked in 10% of its 10 recorded tries (the floor is 30%)", harmful.Refusal, StringComparison.Ordinal);

        var good = ModuleIntegration.Replay(
            Module(rules: """{ "id": "net", "match": { "category": "Network" }, "propose": { "kind": "restart", "priority": 500 } }"""), incidents, allowed);
        Assert.Null(good.Refusal);
        Assert.Equal(9, good.Agreed);

        // Too few recorded tries to judge: not refused.
        Assert.Null(ModuleIntegration.Replay(Module(), incidents.Where(i => i.KindTried == "restart" || i.Succeeded).ToList(), allowed).Refusal);
    }
}
