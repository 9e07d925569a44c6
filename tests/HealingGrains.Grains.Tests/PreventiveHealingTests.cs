using System.Text.Json;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Storage;

namespace HealingGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class PreventiveHealingTests(ClusterFixture fixture)
{
    [Fact]
    public async Task MemoryRisingTowardsItsLimitProposesAPreventiveRestartBeforeItGetsThere()
    {
        var world = await HealingWorld.CreateAsync(fixture);

        var (action, minute) = await world.RiseUntilPreventedAsync(fixture);

        Assert.NotNull(action);
        Assert.True(MetricWorld.Rising(minute) < 0.97, $"proposed only at {MetricWorld.Rising(minute)}");
        Assert.True(action.Preventive);
        Assert.Equal("restart", action.Kind);
        Assert.Equal(MetricWorld.Memory, action.Parameters["metric"]);
        Assert.Equal(ActionState.PendingApproval, action.State);
        Assert.StartsWith("Preventive restart: memory.utilization is at", action.Reasoning, StringComparison.Ordinal);
        var forecast = action.Evidence.Forecast!;
        Assert.Equal(MetricWorld.Memory, forecast.Metric);
        Assert.Equal(1, forecast.Limit);
        Assert.Equal(MetricWorld.Rising(minute), forecast.Current, 9);
        Assert.True(forecast.SlopePerMinute > 0.003, $"slope {forecast.SlopePerMinute}");
        Assert.True(forecast.MinutesToLimit is > 0 and <= 40, $"minutes to limit {forecast.MinutesToLimit}");
        Assert.True(forecast.Probability >= 0.8);
        Assert.Equal(0.8, forecast.InterventionThreshold);
        Assert.Equal(30, forecast.HorizonMinutes);
        Assert.Equal("MemoryAndResources", action.Evidence.Category);
        Assert.Equal("metric-detector/2", action.Evidence.Models["detector"]);
        Assert.Contains(action.Evidence.Gate, r => r.Contains("below the approval threshold", StringComparison.Ordinal));

        // The metric's predicted failure is a fingerprint of its own, listed under the deployment.
        var fingerprint = await world.PredictionFingerprint().GetAsync();
        Assert.Equal(action.Fingerprint, fingerprint!.Id);
        Assert.Equal(FingerprintSource.Prediction, fingerprint.Source);
        Assert.Equal("Predicted failure of metric memory.utilization", fingerprint.Template);
        Assert.Contains(action.Fingerprint, await world.DeploymentGrain.GetFingerprintIdsAsync());
    }

    [Fact]
    public async Task OnlyOnePreventiveActionIsOpenPerMetric()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        var (action, minute) = await world.RiseUntilPreventedAsync(fixture);

        await world.SendAsync(fixture, i => Math.Min(0.99, MetricWorld.Rising(i)), minute + 1, minute + 6);

        Assert.Equal([action!.Id], await world.DeploymentGrain.GetOpenActionIdsAsync());
    }

    [Fact]
    public async Task WithinThePolicyAPreventiveRestartIsApprovedAutomatically()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        await world.PolicyAsync(p => p.ApprovalThreshold = 0);

        var (action, _) = await world.RiseUntilPreventedAsync(fixture);

        Assert.Equal(ActionState.Approved, action!.State);
        Assert.Equal("policy", action.DecidedBy);
        Assert.True(action.AutoApproved);
    }

    [Fact]
    public async Task TheFailSafeProposesNothingPreventive()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        await world.PolicyAsync(p =>
        {
            p.AiEnabled = false;
            p.ApprovalThreshold = 0;
        });

        var (action, _) = await world.RiseUntilPreventedAsync(fixture);

        Assert.Null(action);
        var metric = await world.DeploymentGrain.GetMetricAsync(MetricWorld.Memory);
        Assert.Equal(1, metric!.Prediction!.Probability);
    }

    [Fact]
    public async Task APreventiveKindThePolicyDoesNotAllowIsNeverProposed()
    {
        var refused = await HealingWorld.CreateAsync(fixture);
        await refused.PolicyAsync(p => p.AllowedKinds = ["rollback-version"]);
        var scaling = await HealingWorld.CreateAsync(fixture);
        await scaling.PolicyAsync(p => p.AllowedKinds = ["scale-out", "rollback-version"]);

        Assert.Null((await refused.RiseUntilPreventedAsync(fixture)).Action);
        Assert.Equal("scale-out", (await scaling.RiseUntilPreventedAsync(fixture)).Action!.Kind);
    }

    [Fact]
    public async Task BelowTheInterventionThresholdNothingIsProposed()
    {
        var world = await HealingWorld.CreateAsync(fixture);

        await world.SendAsync(fixture, i => 0.6 + (0.01 * Math.Sin(i)), 0, 120);

        Assert.Empty(await world.DeploymentGrain.GetOpenActionIdsAsync());
        var prediction = (await world.DeploymentGrain.GetMetricAsync(MetricWorld.Memory))!.Prediction!;
        Assert.True(prediction.Probability < 0.8, prediction.Summary);
    }

    [Fact]
    public async Task AFailurePreventedIsVerifiedAndLearnedAsASuccess()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        var (action, minute) = await world.RiseUntilPreventedAsync(fixture);
        await world.Action(action!.Id).ApproveAsync("admin:alice", null);
        await world.Action(action.Id).ReportOutcomeAsync(true, "restarted");

        // After the restart memory is back at 0.4, until the watched time (failure expected + grace) is over.
        var watchedUntil = action.Evidence.Forecast!.FailureExpectedBy + TimeSpan.FromMinutes(10);
        await world.SendAsync(fixture, _ => 0.4, minute + 1, minute + 60, _ => Task.FromResult(fixture.Time.GetUtcNow() > watchedUntil));

        var verified = await Eventually.ReachAsync(() => world.Action(action.Id).GetAsync(), a => a!.Verification is not null);
        Assert.Equal("prevented", verified!.Verification!.Result);
        Assert.False(verified.Verification.Happened);
        Assert.StartsWith("No failure: memory.utilization peaked at", verified.Verification.Reason, StringComparison.Ordinal);
        var facts = await Eventually.ReachAsync(world.PredictionFingerprint().GetFactsAsync, f => f!.Fixes.ContainsKey("restart"));
        Assert.Equal(1, facts!.Fixes["restart"].Successes, 3);
        Assert.Equal(0, facts.Fixes["restart"].Failures, 3);

        // The healing memory keeps the verification beside the proposal and the outcome.
        var history = await HistoryAsync(world.Tenant);
        Assert.Equal(["proposed", "succeeded", "verified"], history.Select(r => r.GetProperty("event").GetString()));
        Assert.All(history, r => Assert.True(r.GetProperty("preventive").GetBoolean()));
        Assert.Equal("prevented", history[2].GetProperty("verification").GetString());
        Assert.Equal(MetricWorld.Memory, history[0].GetProperty("metric").GetString());
        Assert.True(history[0].GetProperty("failureProbability").GetDouble() >= 0.8);
    }

    [Fact]
    public async Task AFailureThatHappenedAnywayIsVerifiedAtOnceAndLearnedAsAFailure()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        var (action, minute) = await world.RiseUntilPreventedAsync(fixture);
        await world.Action(action!.Id).ApproveAsync("admin:alice", null);
        await world.Action(action.Id).ReportOutcomeAsync(true, "restarted");

        await world.SendAsync(fixture, MetricWorld.Rising, minute + 1, minute + 60, i => Task.FromResult(MetricWorld.Rising(i) >= 1));

        var verified = await Eventually.ReachAsync(() => world.Action(action.Id).GetAsync(), a => a!.Verification is not null);
        Assert.Equal("happened", verified!.Verification!.Result);
        Assert.True(verified.Verification.Happened);
        Assert.StartsWith("memory.utilization reached 1 at", verified.Verification.Reason, StringComparison.Ordinal);
        var facts = await Eventually.ReachAsync(world.PredictionFingerprint().GetFactsAsync, f => f!.Fixes.ContainsKey("restart"));
        Assert.Equal(1, facts!.Fixes["restart"].Failures, 3);

        // Learned: the next preventive restart for this metric starts from one failure and says so.
        Assert.Equal(ActionState.Succeeded, verified.State);
    }

    [Fact]
    public async Task WhenPointsStopTheHostsClockMakesTheVerificationDueAndAnUnansweredApprovalExpires()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        var (action, _) = await world.RiseUntilPreventedAsync(fixture);

        await world.DeploymentGrain.CheckPredictionsAsync();
        Assert.Null((await world.Action(action!.Id).GetAsync())!.Verification);

        // The watch is persisted: a new activation rebuilds the windows and still verifies it.
        await world.DeploymentGrain.Cast<IGrainManagementExtension>().DeactivateOnIdle(TestContext.Current.CancellationToken);
        fixture.Time.Advance(TimeSpan.FromMinutes(45));
        await world.DeploymentGrain.CheckPredictionsAsync();

        var verified = await Eventually.ReachAsync(() => world.Action(action.Id).GetAsync(), a => a!.Verification is not null);
        Assert.Equal("not-happened", verified!.Verification!.Result);
        Assert.Equal(ActionState.Expired, verified.State);
        Assert.Empty(await Eventually.ReachAsync(world.DeploymentGrain.GetOpenActionIdsAsync, ids => ids.Count == 0));
    }

    // A pending verification is a durable reminder: a deployment that nothing calls any more (its silo restarted, or it
    // went quiet after the failure it was warned of) is woken by the reminder and verifies, and the reminder goes.
    [Fact]
    public async Task APendingVerificationIsADurableReminderThatVerifiesADeploymentNothingCallsAndThenGoes()
    {
        var world = await HealingWorld.CreateAsync(fixture);
        var (action, _) = await world.RiseUntilPreventedAsync(fixture);
        using var store = new SqliteRowStore(new SqliteRowStoreOptions { DataSource = fixture.DatabasePath });
        var reminders = new RowStoreReminderTable(store);
        var grainId = world.DeploymentGrain.GetGrainId();

        var reminder = await reminders.ReadRow(grainId, DeploymentGrain.VerificationReminder);
        Assert.NotNull(reminder);
        Assert.True(reminder.Period >= TimeSpan.FromMinutes(1), reminder.Period.ToString());

        // Deactivated, the host's clock past the watch, and no call but the reminder's tick.
        await world.DeploymentGrain.Cast<IGrainManagementExtension>().DeactivateOnIdle(TestContext.Current.CancellationToken);
        fixture.Time.Advance(TimeSpan.FromMinutes(45));
        await world.DeploymentGrain.Cast<IRemindable>().ReceiveReminder(
            DeploymentGrain.VerificationReminder, new TickStatus(reminder.StartAt, reminder.Period, DateTime.UtcNow), TestContext.Current.CancellationToken);

        var verified = await Eventually.ReachAsync(() => world.Action(action!.Id).GetAsync(), a => a!.Verification is not null);
        Assert.Equal("not-happened", verified!.Verification!.Result);
        Assert.Null(await reminders.ReadRow(grainId, DeploymentGrain.VerificationReminder));
    }

    private async Task<List<JsonElement>> HistoryAsync(string tenant)
    {
        using var store = new SqliteRowStore(new SqliteRowStoreOptions { DataSource = fixture.DatabasePath });
        var records = new List<JsonElement>();
        await foreach (var row in store.QueryAsync(HealingActionGrain.HistoryTable, RowKeys.Escape(tenant), cancellationToken: TestContext.Current.CancellationToken))
        {
            records.Add(JsonDocument.Parse(row.Data).RootElement.Clone());
        }

        return records;
    }
}
