namespace HealingGrains.Abstractions.Contracts;

/// <summary>The states of a healing action (the public contract's names).</summary>
[GenerateSerializer, Alias("HealingGrains.ActionState")]
public enum ActionState
{
    Proposed = 0,
    PendingApproval = 1,
    Approved = 2,
    Dispatched = 3,
    Succeeded = 4,
    Failed = 5,
    Rejected = 6,
    RolledBack = 7,
    Expired = 8,
}
