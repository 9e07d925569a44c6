namespace HealingGrains.Abstractions.Contracts;

/// <summary>How a requested transition went.</summary>
[GenerateSerializer, Alias("HealingGrains.TransitionStatus")]
public enum TransitionStatus
{
    /// <summary>Done (or already done exactly so: idempotent).</summary>
    Ok = 0,

    /// <summary>No such action.</summary>
    NotFound = 1,

    /// <summary>Not allowed from the action's state.</summary>
    Conflict = 2,
}

/// <summary>The result of a transition and the action afterwards.</summary>
[GenerateSerializer, Alias("HealingGrains.ActionTransition")]
public sealed class ActionTransition
{
    [Id(0)] public TransitionStatus Status { get; init; }

    [Id(1)] public HealingActionInfo? Action { get; init; }

    [Id(2)] public string? Problem { get; init; }
}
