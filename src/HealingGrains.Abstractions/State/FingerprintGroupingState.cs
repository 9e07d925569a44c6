using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Abstractions.State;

/// <summary>The persisted state of a tenant's grouping decisions.</summary>
[GenerateSerializer, Alias("HealingGrains.FingerprintGroupingState")]
public sealed class FingerprintGroupingState
{
    /// <summary>The merges, oldest first.</summary>
    [Id(0)] public List<FingerprintMerge> Merges { get; set; } = [];

    /// <summary>The splits, oldest first.</summary>
    [Id(1)] public List<FingerprintSplit> Splits { get; set; } = [];

    /// <summary>
    /// Decisions (<c>merge/&lt;source&gt;</c>, <c>split/&lt;new id&gt;</c>) whose effects on fingerprints and deployments
    /// are not known to be complete; they are applied again, idempotently, before the next decision.
    /// </summary>
    [Id(2)] public SortedSet<string> Unapplied { get; set; } = new(StringComparer.Ordinal);
}
