using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;

namespace HealingGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ModuleRegistryTests(ClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A module of one rule (on <paramref name="category"/>, or a fallback when null) and one test of it.</summary>
    internal static string Manifest(
        string id = "acme.net", string version = "1.0.0", string platform = "^1.0.0", string kinds = "\"restart\"",
        string kind = "restart", string? category = "Network", int priority = 500, string? testCategory = null)
    {
        var match = category is null ? "{}" : $$"""{ "category": "{{category}}" }""";
        var situation = (testCategory ?? category) is { } c ? $$"""{ "category": "{{c}}" }""" : "{}";
        return $$"""
            { "id": "{{id}}", "version": "{{version}}", "platform": "{{platform}}", "permissions": { "kinds": [{{kinds}}] },
              "rules": [ { "id": "r", "match": {{match}}, "propose": { "kind": "{{kind}}", "priority": {{priority}} } } ],
              "tests": [ { "name": "t", "situation": {{situation}}, "expect": "{{kind}}" } ] }
            """;
    }

    private IModuleRegistryGrain Registry(string tenant) => fixture.Client.GetGrain<IModuleRegistryGrain>(tenant);

    [Fact]
    public async Task InstallsACompatibleModuleAfterEveryStepAndAuditsIt()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart", "scale-out");
        var report = await Registry(world.Tenant).IntegrateAsync(Manifest(), "admin:alice");

        Assert.True(report.Installed, string.Join(" ", report.Reasons));
        Assert.Equal(["parse", "compatibility", "tests", "replay", "snapshot", "install"], report.Steps.Select(s => s.Name));
        Assert.All(report.Steps, s => Assert.True(s.Passed));
        Assert.Equal(1, report.SnapshotId);
        Assert.Equal(0, report.Replay!.Incidents);

        var list = await Registry(world.Tenant).ListAsync();
        var installed = Assert.Single(list.Installed);
        Assert.Equal(("acme.net", "1.0.0", "admin:alice", Manifest()), (installed.Id, installed.Version, installed.By, installed.Manifest));
        Assert.Empty(Assert.Single(list.Snapshots).Modules);
        Assert.Equal(1, Assert.Single(list.Attempts).Attempt);

        var audit = await fixture.Client.GetGrain<IAuditLogGrain>(world.Tenant).ListAsync(0, 100);
        var record = Assert.Single(audit, r => r.Event == "module.integrated");
        Assert.Equal(("admin:alice", "module/acme.net"), (record.Actor, record.Subject));
    }

    [Fact]
    public async Task RefusesEveryIncompatibilityWithItsReasonAndInstallsNothing()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart", "scale-out", "failover");
        await world.PolicyAsync(p => p.AllowedKinds = ["restart", "scale-out", "clear-cache"]);
        var registry = Registry(world.Tenant);
        Assert.True((await registry.IntegrateAsync(Manifest(version: "1.1.0"), "admin:test")).Installed);

        async Task RefusedAsync(string manifest, string reason)
        {
            var report = await registry.IntegrateAsync(manifest, "admin:test");
            Assert.False(report.Installed);
            Assert.Equal(["parse", "compatibility"], report.Steps.Select(s => s.Name));
            Assert.False(report.Steps[^1].Passed);
            Assert.Contains(report.Reasons, r => r.Contains(reason, StringComparison.Ordinal));
        }

        await RefusedAsync(Manifest(id: "acme.future", platform: "^2.0.0", category: "Database"), "needs platform ^2.0.0; this platform is 1.0.0");
        await RefusedAsync(Manifest(id: "acme.failover", kinds: "\"failover\"", kind: "failover", category: "Database"), "Kind failover is not allowed by the tenant's policy");
        await RefusedAsync(Manifest(id: "acme.cache", kinds: "\"clear-cache\"", kind: "clear-cache", category: "Database"), "No deployment of the tenant can run kind clear-cache");
        await RefusedAsync(Manifest(version: "1.0.0"), "only a higher version can replace it");
        await RefusedAsync(Manifest(version: "1.1.0"), "only a higher version can replace it");
        await RefusedAsync(Manifest(id: "other.net", kinds: "\"scale-out\"", kind: "scale-out"), "Rule r conflicts with rule r of acme.net");

        var list = await registry.ListAsync();
        Assert.Equal("1.1.0", Assert.Single(list.Installed).Version);
        Assert.Single(list.Snapshots);
        Assert.Equal(7, list.Attempts.Count);
        var audit = await fixture.Client.GetGrain<IAuditLogGrain>(world.Tenant).ListAsync(0, 100);
        Assert.Equal(6, audit.Count(r => r.Event == "module.refused"));
        Assert.Contains(audit, r => r is { Event: "module.refused", Subject: "module/acme.future" });
    }

    [Fact]
    public async Task RefusesAnInvalidManifestWithEveryFieldAndAModuleWhoseOwnTestsFail()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart");
        var registry = Registry(world.Tenant);

        var invalid = await registry.IntegrateAsync("""{ "id": "Bad Id", "version": "x", "platform": "^1.0.0", "permissions": { "kinds": ["restart"] }, "rules": [], "tests": [] }""", "admin:test");
        Assert.False(invalid.Installed);
        Assert.Equal("parse", Assert.Single(invalid.Steps).Name);
        Assert.Contains("id", invalid.FieldErrors.Keys);
        Assert.Contains("version", invalid.FieldErrors.Keys);

        var failing = await registry.IntegrateAsync(Manifest(category: "Network", testCategory: "Database"), "admin:test");
        Assert.False(failing.Installed);
        Assert.Equal(("tests", false), (failing.Steps[^1].Name, failing.Steps[^1].Passed));
        Assert.Empty((await registry.ListAsync()).Installed);
    }

    [Fact]
    public async Task AReplayOfTheTenantsIncidentsRefusesAModuleThatWouldProposeWhatKeptFailing()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart");
        string? previous = null;
        for (var i = 0; i < 5; i++)
        {
            var action = await world.IncidentAsync(except: previous);
            Assert.Equal("restart", action.Kind);
            await world.Action(action.Id).ApproveAsync("admin:test", null);
            await world.Action(action.Id).ReportOutcomeAsync(false, "still failing");
            previous = action.Id;
        }

        var report = await Registry(world.Tenant).IntegrateAsync(Manifest(category: null), "admin:test");
        Assert.False(report.Installed);
        Assert.Equal(("replay", false), (report.Steps[^1].Name, report.Steps[^1].Passed));
        Assert.Equal(5, report.Replay!.Incidents);
        Assert.Equal(5, report.Replay.Proposed["restart"]);
        Assert.Equal(5, report.Replay.Disagreed);
        Assert.Equal(0.0, report.Replay.RecordedSuccess["restart"].Rate);
        Assert.Contains("which worked in 0% of its 5 recorded tries", Assert.Single(report.Reasons), StringComparison.Ordinal);
        Assert.Empty((await Registry(world.Tenant).ListAsync()).Installed);
    }

    [Fact]
    public async Task RollbackRestoresASnapshotExactlyAndSurvivesDeactivation()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart", "scale-out");
        var registry = Registry(world.Tenant);
        Assert.True((await registry.IntegrateAsync(Manifest(), "admin:alice")).Installed);
        var afterFirst = (await registry.ListAsync()).Installed;
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await registry.IntegrateAsync(Manifest(id: "acme.db", kinds: "\"scale-out\"", kind: "scale-out", category: "Database"), "admin:bob")).Installed);
        Assert.True((await registry.IntegrateAsync(Manifest(version: "1.1.0"), "admin:bob")).Installed);
        var uninstall = await registry.UninstallAsync("acme.db", "admin:carol");
        Assert.Null(uninstall.Problem);
        Assert.Equal(4, uninstall.SnapshotId);
        Assert.Equal("1.1.0", Assert.Single(uninstall.Installed).Version);

        // The latest snapshot: the set before the uninstall.
        var latest = await registry.RollbackAsync(null, "admin:carol");
        Assert.Equal(4, latest.SnapshotId);
        Assert.Equal([("acme.db", "1.0.0"), ("acme.net", "1.1.0")], latest.Installed.Select(m => (m.Id, m.Version)));

        // Snapshot 2 was taken before acme.db was installed: exactly what was installed after the first install.
        var rolled = await registry.RollbackAsync(2, "admin:carol");
        Assert.Null(rolled.Problem);
        await registry.Cast<IGrainManagementExtension>().DeactivateOnIdle(Ct);
        var restored = (await registry.ListAsync()).Installed;
        Assert.Equal(
            afterFirst.Select(m => (m.Id, m.Version, m.Manifest, m.InstalledAt, m.By)),
            restored.Select(m => (m.Id, m.Version, m.Manifest, m.InstalledAt, m.By)));

        Assert.NotNull((await registry.RollbackAsync(99, "admin:carol")).Problem);
        Assert.NotNull((await registry.UninstallAsync("acme.missing", "admin:carol")).Problem);
        var audit = await fixture.Client.GetGrain<IAuditLogGrain>(world.Tenant).ListAsync(0, 100);
        Assert.Equal(2, audit.Count(r => r.Event == "module.rolledback"));
        Assert.Contains(audit, r => r is { Event: "module.uninstalled", Subject: "module/acme.db", Actor: "admin:carol" });
    }

    /// <summary>A module whose one rule proposes <paramref name="kind"/> with a parameter for timeouts (or on a metric condition).</summary>
    private static string TimeoutManifest(string id, string kind, string? metric = null) => $$"""
        { "id": "{{id}}", "version": "1.0.0", "platform": "^1.0.0", "permissions": { "kinds": ["{{kind}}"] },
          "rules": [ { "id": "r", "match": {{(metric is null ? """{ "exceptionType": "TimeoutException" }""" : $$"""{ "metric": { "name": "{{metric}}", "above": 100 } }""")}},
                       "propose": { "kind": "{{kind}}", "parameters": { "scope": "inventory" }, "priority": 950 } } ],
          "tests": [ { "name": "t", "situation": {{(metric is null ? """{ "exceptionType": "System.TimeoutException" }""" : $$"""{ "metrics": { "{{metric}}": 250 } }""")}}, "expect": "{{kind}}" } ] }
        """;

    [Fact]
    public async Task TheFailSafeProposesOnlyWhatModuleRulesSayTheTenantsBeforeTheBuiltInOnesAndNothingWhereNoRuleCovers()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart", "clear-cache", "drain-node");
        await world.PolicyAsync(p => p.AiEnabled = false);
        var registry = Registry(world.Tenant);
        Assert.True((await registry.IntegrateAsync(TimeoutManifest("acme.cache", "clear-cache"), "admin:test")).Installed);

        // The installed module's rule (priority 950) comes before every built-in one.
        var cached = await world.IncidentAsync();
        Assert.Equal("clear-cache", cached.Kind);
        Assert.Equal("inventory", cached.Parameters["scope"]);
        Assert.Equal(0, cached.Confidence);
        Assert.Equal(["rules"], cached.Evidence.Models.Keys);
        Assert.Equal("acme.cache@1.0.0", cached.Evidence.Models["rules"]);
        Assert.Equal("acme.cache 1.0.0, rule r", cached.Evidence.Rule);
        Assert.StartsWith("Fail-safe: Rule r of module acme.cache 1.0.0:", cached.Reasoning, StringComparison.Ordinal);
        await world.Action(cached.Id).RejectAsync("admin:test", null);

        // Rolled back to before the install: the built-in module decides again.
        Assert.Null((await registry.RollbackAsync(1, "admin:test")).Problem);
        var restarted = await world.IncidentAsync(except: cached.Id);
        Assert.Equal("restart", restarted.Kind);
        Assert.Equal("builtin.rules 1.0.0, rule restart", restarted.Evidence.Rule);

        // A deployment whose only kind no rule covers: the fail-safe invents nothing...
        var drained = new HealingWorld(fixture, world.Tenant, "batch-prod");
        await drained.DeploymentGrain.RegisterAsync(new DeploymentSpec { Service = "batch", Capabilities = ["drain-node"] });
        await drained.ErrorAsync();
        await Eventually.ReachAsync(drained.DeploymentGrain.GetAsync, d => d!.FingerprintCount == 1);
        Assert.Empty(await drained.DeploymentGrain.GetOpenActionIdsAsync());

        // ...until a module gives a rule for it.
        Assert.True((await registry.IntegrateAsync(TimeoutManifest("acme.drain", "drain-node"), "admin:test")).Installed);
        await drained.ErrorAsync("Batch worker timed out after 30000 ms");
        var drain = await drained.OpenActionAsync();
        Assert.Equal(("drain-node", "acme.drain@1.0.0"), (drain.Kind, drain.Evidence.Models["rules"]));
    }

    [Fact]
    public async Task WithLearningOnAnInstalledRuleCountsAsPseudoSuccessesAndTheEvidenceSaysWhichRule()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart", "clear-cache");
        await world.PolicyAsync(p => p.Exploration = false);
        Assert.True((await Registry(world.Tenant).IntegrateAsync(TimeoutManifest("acme.cache", "clear-cache"), "admin:test")).Installed);

        var action = await world.IncidentAsync();

        Assert.Equal("clear-cache", action.Kind);
        Assert.Equal(2, action.Evidence.RuleSuccesses);
        Assert.Equal("acme.cache 1.0.0, rule r", action.Evidence.Rule);
        Assert.Equal("acme.cache@1.0.0", action.Evidence.Models["module"]);
        Assert.Contains("An installed module proposes clear-cache (acme.cache 1.0.0, rule r)", action.Reasoning, StringComparison.Ordinal);
        Assert.True(action.Confidence > 0);
    }

    [Fact]
    public async Task TheReplayMatchesMetricConditionsOnTheMetricsRecordedWithEachIncident()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart");
        await world.DeploymentGrain.RecordMetricPointsAsync([new MetricPoint { Name = "queue.depth", Timestamp = fixture.Time.GetUtcNow(), Value = 400 }]);
        string? previous = null;
        for (var i = 0; i < 5; i++)
        {
            var action = await world.IncidentAsync(except: previous);
            Assert.Equal(400, action.Evidence.Metrics["queue.depth"]);
            await world.Action(action.Id).ApproveAsync("admin:test", null);
            await world.Action(action.Id).ReportOutcomeAsync(false, "still failing");
            previous = action.Id;
        }

        // Only the queue depth recorded with each incident makes this rule match them, and restart failed every time.
        var report = await Registry(world.Tenant).IntegrateAsync(TimeoutManifest("acme.queue", "restart", metric: "queue.depth"), "admin:test");
        Assert.False(report.Installed);
        Assert.Equal(("replay", false), (report.Steps[^1].Name, report.Steps[^1].Passed));
        Assert.Equal(5, report.Replay!.Proposed["restart"]);
    }

    [Fact]
    public async Task ManifestsAreStoredOncePerTenantSoManySnapshotsOfALargeModuleStillFitAndRollBackExactly()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart");
        var registry = Registry(world.Tenant);

        // Twelve versions of a 200 KiB manifest: inline in every snapshot they would be 2.4 MB, over a row's 2 MiB.
        var padding = new string(' ', 200 * 1024);
        string Large(int minor) => Manifest(version: $"1.{minor}.0").Replace("\"tests\"", padding + "\"tests\"", StringComparison.Ordinal);
        for (var minor = 0; minor < 12; minor++)
        {
            var report = await registry.IntegrateAsync(Large(minor), "admin:test");
            Assert.True(report.Installed, string.Join(" ", report.Reasons));
        }

        await registry.Cast<IGrainManagementExtension>().DeactivateOnIdle(Ct);
        var list = await registry.ListAsync();
        Assert.Equal(Large(11), Assert.Single(list.Installed).Manifest);
        Assert.Equal(12, list.Snapshots.Count);
        Assert.Equal(Large(4), Assert.Single(list.Snapshots[^7].Modules).Manifest);

        var rolled = await registry.RollbackAsync(list.Snapshots[^7].Id, "admin:test");
        Assert.Equal(Large(4), Assert.Single(rolled.Installed).Manifest);
        Assert.Equal("restart", Assert.Single(await registry.MatchAsync(new ModuleQuery { Category = "Network", Allowed = ["restart"] }), m => !m.BuiltIn).Kind);
    }
}
