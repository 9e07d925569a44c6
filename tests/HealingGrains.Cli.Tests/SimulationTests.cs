using HealingGrains.Cli.Commands;
using HealingGrains.Cli.Simulation;
using HealingGrains.Core.Simulation;
using HealingGrains.Silo.Hosting;

namespace HealingGrains.Cli.Tests;

[Collection(SimulationCollection.Name)]
public sealed class SimulationTests
{
    [Fact]
    public async Task AFixedSeedSimulationLearnsTheRightFixForEveryFault()
    {
        var world = SimulationWorld.Create(tenants: 1, faults: 2, kinds: 5, seed: 7);
        var progress = new StringWriter();

        var report = await SimulateCommand.RunAsync(world, url: null, operatorKey: null, incidents: 80, seed: 7, round: 20, warmUp: 20, progress,
            TestContext.Current.CancellationToken);

        Assert.NotNull(report);
        Assert.True(report.ShareOfOracleAfterWarmUp >= 0.85, $"{report.ShareOfOracleAfterWarmUp:P1} of the oracle");
        Assert.True(report.LearnedRegret < report.RandomRegret / 2, $"regret {report.LearnedRegret:F1} against random {report.RandomRegret:F1}");
        Assert.Contains("[80/80] incidents", progress.ToString(), StringComparison.Ordinal);
    }

    // Issue 7: against the same world and seed, a risk assessor trained on the first outcomes keeps the harmful
    // automatic actions (anything but a rollback right after a release) for a human.
    [Fact]
    public async Task TurningTheRiskAssessorOnLowersTheFailedAutomaticActionsAgainstTheSameWorldAndSeed()
    {
        var world = SimulationWorld.Create(tenants: 1, faults: 3, kinds: 5, seed: 11);
        var options = new SimulationOptions { Releases = 0.3, ApprovalThreshold = 0, MaxRisk = 0.5, AutoDowngradeFloor = 0, TrainAfter = 80 };

        var off = await SimulateCommand.RunAsync(world, null, null, incidents: 180, seed: 11, round: 60, warmUp: 30, TextWriter.Null,
            TestContext.Current.CancellationToken, options);
        var progress = new StringWriter();
        var on = await SimulateCommand.RunAsync(world, null, null, incidents: 180, seed: 11, round: 60, warmUp: 30, progress,
            TestContext.Current.CancellationToken, options with { RiskAssessor = true });

        Assert.Equal(100, off!.Counted.Count);
        Assert.Equal(off.Counted.Select(r => (r.Fault, r.AfterRelease)), on!.Counted.Select(r => (r.Fault, r.AfterRelease)));
        Assert.Equal(off.AutomaticActions, off.Counted.Count);

        // Fewer by more than the off run's own spread: the same world and seed without the assessor failed 39 to 47 times
        // in repeated runs (which open proposal the agent sees first depends on timing). With it, the gain depends on
        // the model, trained on 80 outcomes less the random fifth its held-out split keeps back (action ids are random):
        // 8 to 31 fewer in nine runs, here and on a loaded CI machine; a demand for a share (under 80%) failed there once.
        Assert.True(on.FailedAutomaticActions <= off.FailedAutomaticActions - 5,
            $"failed automatic actions: {on.FailedAutomaticActions} with the risk assessor, {off.FailedAutomaticActions} without");
        Assert.Contains("risk assessor version 1 active", progress.ToString(), StringComparison.Ordinal);
    }

    // A host that sheds is asked again after its Retry-After, as a real client would: one request a second per tenant
    // refuses every second incident's telemetry at first.
    [Fact]
    public async Task ASimulationAgainstAHostThatShedsRetriesAfterTheDelayItNames()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await EmbeddedHost.StartAsync(5, ct, settings: new Dictionary<string, string?>
        {
            ["HealingGrains:Admission:TenantRequestsPerSecond"] = "1",
            ["HealingGrains:Admission:TenantBurst"] = "1",
        });
        var world = SimulationWorld.Create(tenants: 1, faults: 1, kinds: 2, seed: 5);

        var report = await SimulateCommand.RunAsync(world, host.Address.ToString(), host.OperatorKey, incidents: 4, seed: 5, round: 2, warmUp: 1,
            TextWriter.Null, ct);

        Assert.NotNull(report);
        Assert.Equal(4, report.Counted.Count);
    }

    [Fact]
    public void TheWorldIsTheSameForTheSameSeedAndEveryFaultHasOneGoodFix()
    {
        var one = SimulationWorld.Create(3, 8, 5, seed: 42);
        var two = SimulationWorld.Create(3, 8, 5, seed: 42);

        Assert.Equal(one.Faults.Select(f => f.BestKind), two.Faults.Select(f => f.BestKind));
        Assert.All(one.Faults, f =>
        {
            Assert.InRange(f.Best, 0.8, 0.95);
            Assert.All(f.SuccessProbability.Where(p => p.Key != f.BestKind), p => Assert.InRange(p.Value, 0.05, 0.5));
        });
        Assert.Equal([0, 1, 2], one.Faults.Select(f => f.Tenant).Distinct().Order());
    }

    [Fact]
    public void TheReportComputesRegretAgainstTheOracleAndTheBaselines()
    {
        IncidentResult[] results =
        [
            new(1, "f", 1, "a", 0.2, 0.9, 0.5, 0.3, false),
            new(2, "f", 2, "b", 0.9, 0.9, 0.5, 0.3, true),
            new(3, "f", 3, "b", 0.9, 0.9, 0.5, 0.3, true),
        ];

        var report = new SimulationReport(results, roundSize: 2, warmUpPerFault: 1);

        Assert.Equal(0.7, report.LearnedRegret, 9);
        Assert.Equal(1.2, report.RandomRegret, 9);
        Assert.Equal(1.8, report.RuleRegret, 9);
        Assert.Equal(1.0, report.ShareOfOracleAfterWarmUp, 9);
        Assert.Equal(2, report.Rounds.Count);
        Assert.Contains("<polyline", report.Svg(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnImpossibleWorldIsRefused() =>
        Assert.Throws<ArgumentException>(() => SimulationWorld.Create(tenants: 0, faults: 8, kinds: 5, seed: 1));
}
