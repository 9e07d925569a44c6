using HealingGrains.Abstractions.Contracts;
using Orleans.Concurrency;

namespace HealingGrains.Abstractions.Grains;

/// <summary>
/// One proposed fix and its lifecycle: Proposed → PendingApproval/Approved → Dispatched → Succeeded/Failed, or
/// Rejected/Expired. Transitions are idempotent where the contract says so. Key: <c>tenant/actionId</c>.
/// </summary>
public interface IHealingActionGrain : IGrainWithStringKey
{
    /// <summary>Creates the action (once); PendingApproval, or Approved by policy when the gate allowed it.</summary>
    Task<HealingActionInfo> ProposeAsync(ActionProposal proposal);

    /// <summary>The action, or null when it does not exist. A pending approval past its time expires on read.</summary>
    Task<HealingActionInfo?> GetAsync();

    /// <summary>PendingApproval → Approved.</summary>
    Task<ActionTransition> ApproveAsync(string actor, string? comment);

    /// <summary>PendingApproval → Rejected.</summary>
    Task<ActionTransition> RejectAsync(string actor, string? comment);

    /// <summary>Approved → Dispatched; again: no change.</summary>
    Task<ActionTransition> DispatchAsync();

    /// <summary>Approved/Dispatched → Succeeded/Failed; the same outcome again: no change; a different one: conflict.</summary>
    Task<ActionTransition> ReportOutcomeAsync(bool succeeded, string? detail);

    /// <summary>Expires a pending approval that is past its time; <paramref name="notifyDeployment"/> false when the deployment asks.</summary>
    Task<HealingActionInfo?> ExpireIfDueAsync(bool notifyDeployment);

    /// <summary>
    /// The deployment's request to expire a pending approval past its time. One-way: the deployment must not wait on
    /// an action that may itself be waiting on the deployment (an outcome notifying it), or both would deadlock.
    /// </summary>
    [OneWay]
    Task ExpireAsync();

    /// <summary>
    /// Records what the verification of a preventive action found, learns from it once the outcome is known too, and
    /// expires a pending approval whose time passed. One-way, for the same reason as <see cref="ExpireAsync"/>.
    /// </summary>
    [OneWay]
    Task RecordVerificationAsync(ActionVerification verification);
}
