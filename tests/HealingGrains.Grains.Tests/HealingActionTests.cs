using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;

namespace HealingGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class HealingActionTests(ClusterFixture fixture)
{
    [Fact]
    public async Task AnErrorOpensOnePendingActionAndRepeatsDoNotOpenMore()
    {
        var world = await HealingWorld.CreateAsync(fixture);

        var action = await world.IncidentAsync();
        await world.ErrorAsync();
        await world.ErrorAsync();
        await Eventually.ReachAsync(
            () => fixture.Client.GetGrain<IFingerprintGrain>(Abstractions.Keys.FingerprintKey.Format(world.Tenant, action.Fingerprint)).GetAsync(),
            f => f!.Count == 3);

        Assert.Equal(ActionState.PendingApproval, action.State);
        Assert.Contains(action.Kind, (string[])["restart", "scale-out", "rollback-version"]);
        Assert.Equal([action.Id], await world.DeploymentGrain.GetOpenActionIdsAsync());
        Assert.Null(action.DecidedBy);
    }

    [Fact]
    public async Task EveryAllowedAndRefusedTransition()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        var action = world.Action((await world.IncidentAsync()).Id);

        // PendingApproval: no dispatch, no outcome; approve once.
        Assert.Equal(TransitionStatus.Conflict, (await action.DispatchAsync()).Status);
        Assert.Equal(TransitionStatus.Conflict, (await action.ReportOutcomeAsync(true, null)).Status);
        var approved = await action.ApproveAsync("admin:alice", "go");
        Assert.Equal(TransitionStatus.Ok, approved.Status);
        Assert.Equal(ActionState.Approved, approved.Action!.State);
        Assert.Equal("admin:alice", approved.Action.DecidedBy);

        // Approved: no second decision; dispatch is idempotent.
        Assert.Equal(TransitionStatus.Conflict, (await action.ApproveAsync("admin:bob", null)).Status);
        Assert.Equal(TransitionStatus.Conflict, (await action.RejectAsync("admin:bob", null)).Status);
        Assert.Equal(ActionState.Dispatched, (await action.DispatchAsync()).Action!.State);
        Assert.Equal(TransitionStatus.Ok, (await action.DispatchAsync()).Status);

        // Outcome: once; the same again is fine, a different one is not.
        Assert.Equal(ActionState.Succeeded, (await action.ReportOutcomeAsync(true, "restarted")).Action!.State);
        Assert.Equal(TransitionStatus.Ok, (await action.ReportOutcomeAsync(true, "again")).Status);
        Assert.Equal(TransitionStatus.Conflict, (await action.ReportOutcomeAsync(false, "no")).Status);
        Assert.Equal(TransitionStatus.Conflict, (await action.DispatchAsync()).Status);
        Assert.Empty(await world.DeploymentGrain.GetOpenActionIdsAsync());
    }

    [Fact]
    public async Task ARejectedActionIsClosedAndCannotRun()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        var action = world.Action((await world.IncidentAsync()).Id);

        Assert.Equal(ActionState.Rejected, (await action.RejectAsync("admin:alice", "not now")).Action!.State);

        Assert.Equal(TransitionStatus.Conflict, (await action.ApproveAsync("admin:alice", null)).Status);
        Assert.Equal(TransitionStatus.Conflict, (await action.ReportOutcomeAsync(true, null)).Status);
        Assert.Empty(await world.DeploymentGrain.GetOpenActionIdsAsync());
    }

    [Fact]
    public async Task OfRacingApprovalsExactlyOneWins()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        var action = world.Action((await world.IncidentAsync()).Id);

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => i % 2 == 0
            ? action.ApproveAsync($"admin:{i}", null)
            : action.RejectAsync($"admin:{i}", null)));

        Assert.Single(results, r => r.Status == TransitionStatus.Ok);
        Assert.Equal(11, results.Count(r => r.Status == TransitionStatus.Conflict));
    }

    [Fact]
    public async Task APendingApprovalExpiresAndTheNextOccurrenceProposesAgain()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        await world.PolicyAsync(p => p.ApprovalTimeoutMinutes = 30);
        var first = await world.IncidentAsync();

        fixture.Time.Advance(TimeSpan.FromMinutes(31));

        Assert.Equal(ActionState.Expired, (await world.Action(first.Id).GetAsync())!.State);
        Assert.Equal(TransitionStatus.Conflict, (await world.Action(first.Id).ApproveAsync("admin:late", null)).Status);
        var second = await world.IncidentAsync(except: first.Id);
        Assert.Equal(ActionState.PendingApproval, second.State);
    }

    [Fact]
    public async Task AFailedOutcomeLetsTheNextOccurrenceProposeAgainWithWhatWasLearned()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart");
        var first = await world.IncidentAsync();
        await world.Action(first.Id).ApproveAsync("admin:alice", null);
        await world.Action(first.Id).ReportOutcomeAsync(false, "still failing");

        var second = await world.IncidentAsync(except: first.Id);

        Assert.Equal("restart", second.Kind);
        Assert.Equal(1, second.Evidence.OwnFailures, 3);
        Assert.Contains("Based on 1 case", second.Reasoning, StringComparison.Ordinal);
        Assert.Contains("restart succeeded 0 times", second.Reasoning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuccessesRaiseConfidenceAndShowInTheEvidence()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart");
        string? previous = null;
        double firstConfidence = 0;
        for (var i = 0; i < 4; i++)
        {
            var action = await world.IncidentAsync(except: previous);
            firstConfidence = i == 0 ? action.Confidence : firstConfidence;
            await world.Action(action.Id).ApproveAsync("admin:alice", null);
            await world.Action(action.Id).ReportOutcomeAsync(true, null);
            previous = action.Id;
        }

        var fifth = await world.IncidentAsync(except: previous);

        Assert.Equal(4, fifth.Evidence.OwnSuccesses, 3);
        Assert.True(fifth.Confidence > firstConfidence);
        Assert.Equal("Based on 4 cases (all on this fingerprint): restart succeeded 4 times.", fifth.Reasoning);
        Assert.Equal("beta-thompson/1", fifth.Evidence.Models["recommender"]);
    }

    [Fact]
    public async Task ZeroThresholdApprovesAutomaticallyByPolicy()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart");
        await world.PolicyAsync(p => p.ApprovalThreshold = 0);

        var action = await world.IncidentAsync();

        Assert.Equal(ActionState.Approved, action.State);
        Assert.Equal("policy", action.DecidedBy);
        Assert.True(action.AutoApproved);
    }

    [Fact]
    public async Task TheFailSafeProposesOnlyByRules()
    {
        var world = await HealingWorld.CreateAsync(fixture, "scale-out", "restart");
        await world.PolicyAsync(p =>
        {
            p.AiEnabled = false;
            p.ApprovalThreshold = 0.2;
        });

        var action = await world.IncidentAsync();

        Assert.Equal("restart", action.Kind);
        Assert.Equal(0, action.Confidence);
        Assert.Equal(ActionState.PendingApproval, action.State);
        Assert.Equal("builtin.rules@1.0.0", action.Evidence.Models["rules"]);
        Assert.Equal("builtin.rules 1.0.0, rule restart", action.Evidence.Rule);
        Assert.StartsWith("Fail-safe: Rule restart of module builtin.rules 1.0.0:", action.Reasoning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedKindsAreNeverProposed()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        await world.PolicyAsync(p => p.AllowedKinds = ["scale-out"]);
        string? previous = null;
        for (var i = 0; i < 5; i++)
        {
            var action = await world.IncidentAsync(except: previous);
            Assert.Equal("scale-out", action.Kind);
            await world.Action(action.Id).RejectAsync("admin:alice", null);
            previous = action.Id;
        }
    }

    [Fact]
    public async Task NothingIsProposedWhenThePolicyAllowsNoneOfTheCapabilities()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart");
        await world.PolicyAsync(p => p.AllowedKinds = ["failover"]);

        await world.ErrorAsync();
        await world.ErrorAsync("Another, different error entirely");
        await Eventually.ReachAsync(world.DeploymentGrain.GetAsync, d => d!.FingerprintCount == 2);

        Assert.Empty(await world.DeploymentGrain.GetOpenActionIdsAsync());
    }

    [Fact]
    public async Task FailingAutomaticActionsDowngradeToApproval()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart");
        await world.PolicyAsync(p =>
        {
            p.ApprovalThreshold = 0;
            p.MaxAutoActionsPerDeploymentPerHour = 100;
        });
        string? previous = null;
        for (var i = 0; i < 5; i++)
        {
            var automatic = await world.IncidentAsync(except: previous);
            Assert.Equal(ActionState.Approved, automatic.State);
            await world.Action(automatic.Id).ReportOutcomeAsync(false, "did not help");
            previous = automatic.Id;
        }

        var next = await world.IncidentAsync(except: previous);

        Assert.Equal(ActionState.PendingApproval, next.State);
        Assert.Contains(next.Evidence.Gate, r => r.StartsWith("Downgraded: 0 of the last 5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheHourlyLimitOfAutomaticActionsHolds()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart");
        await world.PolicyAsync(p =>
        {
            p.ApprovalThreshold = 0;
            p.MaxAutoActionsPerDeploymentPerHour = 2;
        });
        var states = new List<ActionState>();
        string? previous = null;
        for (var i = 0; i < 3; i++)
        {
            var action = await world.IncidentAsync(except: previous);
            states.Add(action.State);
            await world.Action(action.Id).ReportOutcomeAsync(true, null);
            previous = action.Id;
        }

        Assert.Equal([ActionState.Approved, ActionState.Approved, ActionState.PendingApproval], states);
    }

    [Fact]
    public async Task AFailedActionOnADeploymentThatCanRollBackProposesARollback()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart", "rollback-version");
        await world.PolicyAsync(p => p.AllowedKinds = ["restart", "rollback-version"]);
        var now = fixture.Time.GetUtcNow();
        await world.DeploymentGrain.AddVersionAsync(new DeploymentVersion { Version = "1.4.1", DeployedAt = now.AddDays(-2) });
        await world.DeploymentGrain.AddVersionAsync(new DeploymentVersion { Version = "1.4.2", DeployedAt = now.AddDays(-1) });
        await world.PolicyAsync(p => p.AllowedKinds = ["restart"]);
        var failed = await world.IncidentAsync();
        await world.PolicyAsync(p => p.AllowedKinds = null);
        await world.Action(failed.Id).ApproveAsync("admin:alice", null);

        await world.Action(failed.Id).ReportOutcomeAsync(false, "crash loop continues");
        var rollback = await world.OpenActionAsync(except: failed.Id);

        Assert.Equal("rollback-version", rollback.Kind);
        Assert.Equal(failed.Id, rollback.RollbackOf);
        Assert.Equal("rollback-version", failed.RollbackKind);
        Assert.Contains("rollback plan", rollback.Reasoning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorRightAfterANewVersionFavoursRollingBack()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        await world.PolicyAsync(p => p.Exploration = false);
        await world.DeploymentGrain.AddVersionAsync(new DeploymentVersion { Version = "2.0.0", DeployedAt = fixture.Time.GetUtcNow().AddMinutes(-5) });

        var action = await world.IncidentAsync(message: "Checkout total mismatch on basket recalculation");

        Assert.Equal("rollback-version", action.Kind);
        Assert.Equal("2.0.0", action.Evidence.FollowsVersion);
        Assert.Contains("after version 2.0.0", action.Reasoning, StringComparison.Ordinal);
        Assert.Equal("2.0.0", action.VersionBefore);
    }

    [Fact]
    public async Task WhatWorkedOnASimilarFingerprintIsEvidenceForANewOne()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart");
        string? previous = null;
        for (var i = 0; i < 3; i++)
        {
            await world.ErrorAsync("Payment provider rejected the charge for order 7", exceptionType: null);
            var action = await world.OpenActionAsync(except: previous);
            await world.Action(action.Id).ApproveAsync("admin:alice", null);
            await world.Action(action.Id).ReportOutcomeAsync(true, null);
            previous = action.Id;
        }

        await world.ErrorAsync("Payment provider rejected the charge for order 9 after retry", exceptionType: null);
        var similar = await world.OpenActionAsync(except: previous);

        Assert.Equal(0, similar.Evidence.OwnSuccesses + similar.Evidence.OwnFailures, 6);
        Assert.Equal(3, similar.Evidence.SimilarSuccesses, 6);
        Assert.Equal(1, similar.Evidence.SimilarFingerprints);
        Assert.Equal("Based on 3 cases (0 on this fingerprint, 3 on 1 similar fingerprint): restart succeeded 3 times.", similar.Reasoning);
    }
}
