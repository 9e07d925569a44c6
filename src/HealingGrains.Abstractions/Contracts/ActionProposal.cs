namespace HealingGrains.Abstractions.Contracts;

/// <summary>What a deployment asks a new action grain to become.</summary>
[GenerateSerializer, Alias("HealingGrains.ActionProposal")]
public sealed class ActionProposal
{
    [Id(0)] public required HealingActionInfo Action { get; init; }

    /// <summary>Whether the gate approved it automatically.</summary>
    [Id(1)] public bool AutoApprove { get; init; }
}
