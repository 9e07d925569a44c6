namespace HealingGrains.Abstractions.Contracts;

/// <summary>What the agent reported after running an action.</summary>
[GenerateSerializer, Alias("HealingGrains.ActionOutcome")]
public sealed class ActionOutcome
{
    [Id(0)] public bool Succeeded { get; init; }

    [Id(1)] public string? Detail { get; init; }

    [Id(2)] public DateTimeOffset ReportedAt { get; init; }
}
