using HealingGrains.Storage;
using Microsoft.Extensions.Logging;

namespace HealingGrains.Grains;

/// <inheritdoc cref="IHealingActionGrain"/>
public sealed partial class HealingActionGrain(
    [PersistentState(stateName: "action", storageName: GrainStorageNames.State)] IPersistentState<HealingActionState> state,
    IRowStore rows,
    TimeProvider time,
    Federation.FederationService federation,
    ILogger<HealingActionGrain> logger) : Grain, IHealingActionGrain
{
    private HealingActionInfo? Action => state.State.Action;

    private string TenantId => ActionKey.Parse(this.GetPrimaryKeyString()).TenantId;

    /// <inheritdoc/>
    public async Task<HealingActionInfo> ProposeAsync(ActionProposal proposal)
    {
        if (Action is { } existing)
        {
            return existing;
        }

        var now = time.GetUtcNow();
        var action = proposal.Action;
        action.State = proposal.AutoApprove ? ActionState.Approved : ActionState.PendingApproval;
        action.UpdatedAt = now;
        if (proposal.AutoApprove)
        {
            action.DecidedBy = "policy";
            action.DecidedAt = now;
        }

        state.State.Action = action;
        state.State.HistoryRecords++;
        await state.WriteStateAsync();
        Telemetry.HealingMetrics.Proposed(action.Preventive, proposal.AutoApprove);
        await AuditAsync("system", "action.proposed", $"{(action.Preventive ? "preventive " : "")}{action.Kind} for fingerprint {action.Fingerprint} on {action.Deployment}: {action.Reasoning}");
        if (proposal.AutoApprove)
        {
            await AuditAsync("policy", "action.approved", string.Join(" ", action.Evidence.Gate));
        }

        await HistoryAsync("proposed");
        return action;
    }

    /// <inheritdoc/>
    public Task<HealingActionInfo?> GetAsync() => ExpireIfDueAsync(notifyDeployment: true);

    /// <inheritdoc/>
    public async Task<HealingActionInfo?> ExpireIfDueAsync(bool notifyDeployment)
    {
        if (Action is { State: ActionState.PendingApproval } action && time.GetUtcNow() >= action.ExpiresAt)
        {
            await MoveAsync(ActionState.Expired, "system", "No decision before the approval timeout.", notifyDeployment);
        }

        return Action;
    }

    /// <inheritdoc/>
    public Task ExpireAsync() => ExpireIfDueAsync(notifyDeployment: false);

    /// <inheritdoc/>
    public Task<ActionTransition> ApproveAsync(string actor, string? comment) =>
        DecideAsync(ActionState.Approved, actor, comment);

    /// <inheritdoc/>
    public Task<ActionTransition> RejectAsync(string actor, string? comment) =>
        DecideAsync(ActionState.Rejected, actor, comment);

    /// <inheritdoc/>
    public async Task<ActionTransition> DispatchAsync()
    {
        var action = await ExpireIfDueAsync(notifyDeployment: true);
        return action?.State switch
        {
            null => NotFound(),
            ActionState.Dispatched => Ok(),
            ActionState.Approved => await MoveAsync(ActionState.Dispatched, "agent", null, notifyDeployment: false),
            _ => Conflict($"An action in state {action.State} cannot be dispatched; only an Approved one can."),
        };
    }

    /// <inheritdoc/>
    public async Task<ActionTransition> ReportOutcomeAsync(bool succeeded, string? detail)
    {
        var action = await ExpireIfDueAsync(notifyDeployment: true);
        if (action is null)
        {
            return NotFound();
        }

        if (action.State is ActionState.Succeeded or ActionState.Failed)
        {
            return action.Outcome?.Succeeded == succeeded
                ? Ok()
                : Conflict($"The action already reported {(action.Outcome!.Succeeded ? "success" : "failure")}; a different outcome cannot replace it.");
        }

        if (action.State is not (ActionState.Approved or ActionState.Dispatched))
        {
            return Conflict($"An action in state {action.State} cannot have an outcome; only an Approved or Dispatched one can.");
        }

        action.Outcome = new ActionOutcome { Succeeded = succeeded, Detail = detail, ReportedAt = time.GetUtcNow() };
        if (action.Verification is { } verification)
        {
            verification.Result = ActionVerification.ResultOf(verification.Happened, succeeded ? ActionState.Succeeded : ActionState.Failed);
        }

        var result = await MoveAsync(succeeded ? ActionState.Succeeded : ActionState.Failed, "agent", detail, notifyDeployment: false);
        Telemetry.HealingMetrics.Outcome(succeeded, action.Preventive);
        if (action.Preventive)
        {
            // A preventive action succeeded only if the failure did not happen: it learns once its verification is in.
            if (action.Verification is not null)
            {
                await LearnPreventiveAsync(action);
            }

            await NotifyDeploymentAsync(action);
            return result;
        }

        var fingerprintGrain = GrainFactory.GetGrain<IFingerprintGrain>(FingerprintKey.Format(TenantId, action.Fingerprint));
        await fingerprintGrain.RecordOutcomeAsync(action.Kind, succeeded, action.Id, action.Deployment);
        if (action.Evidence.Context is { } context)
        {
            // What the fix predictor and the risk assessor learn from: the anonymous context and what happened.
            var after = await fingerprintGrain.GetFactsAsync();
            await Models.TrainingData.RecordOutcomeAsync(rows, time.GetUtcNow(), action.Id, context, succeeded, action.ErrorRateBefore, after?.RecentRatePerMinute);
        }

        await ShareAsync(action, succeeded);
        await NotifyDeploymentAsync(action);
        return result;
    }

    private async Task<ActionTransition> DecideAsync(ActionState target, string actor, string? comment)
    {
        var action = await ExpireIfDueAsync(notifyDeployment: true);
        if (action is null)
        {
            return NotFound();
        }

        if (action.State != ActionState.PendingApproval)
        {
            return Conflict($"The action is {action.State}; only a PendingApproval action can be approved or rejected.");
        }

        action.DecidedBy = actor;
        action.DecidedAt = time.GetUtcNow();
        action.Comment = comment;
        var result = await MoveAsync(target, actor, comment, notifyDeployment: target == ActionState.Rejected);
        Telemetry.HealingMetrics.Decided(target == ActionState.Approved);
        return result;
    }

    private async Task<ActionTransition> MoveAsync(ActionState target, string actor, string? detail, bool notifyDeployment)
    {
        var action = Action!;
        var from = action.State;
        action.State = target;
        action.UpdatedAt = time.GetUtcNow();
        var final = target is ActionState.Succeeded or ActionState.Failed or ActionState.Rejected or ActionState.Expired;
        if (final)
        {
            state.State.HistoryRecords++;
        }

        await state.WriteStateAsync();
        await AuditAsync(actor, $"action.{target.ToString().ToLowerInvariant()}", $"{from} → {target}{(detail is null ? "" : $": {detail}")}");
        if (final)
        {
            await HistoryAsync(target.ToString().ToLowerInvariant());
        }

        if (notifyDeployment)
        {
            await NotifyDeploymentAsync(action);
        }

        return Ok();
    }

    private Task NotifyDeploymentAsync(HealingActionInfo action) =>
        GrainFactory.GetGrain<IDeploymentGrain>(DeploymentKey.Format(TenantId, action.Deployment)).ActionClosedAsync(new ActionClosure
        {
            ActionId = action.Id,
            Fingerprint = action.Fingerprint,
            Kind = action.Kind,
            State = action.State,
            AutoApproved = action.AutoApproved,
            Preventive = action.Preventive,
        });

    private Task<AuditRecord> AuditAsync(string actor, string @event, string detail) =>
        GrainFactory.GetGrain<IAuditLogGrain>(TenantId).AppendAsync(actor, @event, $"action/{Action!.Id}", detail);

    private ActionTransition Ok() => new() { Status = TransitionStatus.Ok, Action = Action };

    private static ActionTransition NotFound() => new() { Status = TransitionStatus.NotFound };

    private ActionTransition Conflict(string problem) => new() { Status = TransitionStatus.Conflict, Action = Action, Problem = problem };
}
