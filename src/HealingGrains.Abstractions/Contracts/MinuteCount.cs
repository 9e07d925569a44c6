namespace HealingGrains.Abstractions.Contracts;

/// <summary>How many occurrences fell in one UTC minute.</summary>
[GenerateSerializer, Alias("HealingGrains.MinuteCount")]
public sealed class MinuteCount
{
    /// <summary>The minute's start.</summary>
    [Id(0)] public DateTimeOffset Minute { get; init; }

    /// <summary>Occurrences in that minute.</summary>
    [Id(1)] public long Count { get; init; }
}
