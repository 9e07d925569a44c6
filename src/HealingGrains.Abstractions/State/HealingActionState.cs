using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Abstractions.State;

/// <summary>The persisted state of a healing action.</summary>
[GenerateSerializer, Alias("HealingGrains.HealingActionState")]
public sealed class HealingActionState
{
    /// <summary>Null until proposed.</summary>
    [Id(0)] public HealingActionInfo? Action { get; set; }
}
