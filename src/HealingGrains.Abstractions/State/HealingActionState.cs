using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Abstractions.State;

/// <summary>The persisted state of a healing action.</summary>
[GenerateSerializer, Alias("HealingGrains.HealingActionState")]
public sealed class HealingActionState
{
    /// <summary>Null until proposed.</summary>
    [Id(0)] public HealingActionInfo? Action { get; set; }

    /// <summary>How many history records the action wrote, to order them when the clock does not move.</summary>
    [Id(1)] public int HistoryRecords { get; set; }
}
