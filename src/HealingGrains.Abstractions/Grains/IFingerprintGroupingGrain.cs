using HealingGrains.Abstractions.Contracts;
using Orleans.Concurrency;

namespace HealingGrains.Abstractions.Grains;

/// <summary>
/// A tenant's grouping decisions made by its admins: merges (one fingerprint's events belong to another) and splits
/// (a fingerprint's events matching a template are a fingerprint of their own). The classifier asks it once per batch.
/// Key: the tenant id.
/// </summary>
public interface IFingerprintGroupingGrain : IGrainWithStringKey
{
    /// <summary>
    /// Merges <paramref name="fingerprintId"/> into <paramref name="into"/>: later events of the source land on the
    /// target, which absorbs the source's count and deployments; the source is marked merged and keeps its history.
    /// Refused when either is unknown, they are the same, the source is already merged, or the target is merged.
    /// Audited.
    /// </summary>
    Task<GroupingResult> MergeAsync(string fingerprintId, string into, string actor, string? reason);

    /// <summary>
    /// Splits the events of <paramref name="fingerprintId"/> whose masked text matches <paramref name="template"/> off
    /// into a new fingerprint, created at once with no occurrences. Refused when the fingerprint is unknown or merged,
    /// the template is unusable, or the same template already splits it. Audited.
    /// </summary>
    Task<GroupingResult> SplitAsync(string fingerprintId, string template, string actor, string? reason);

    /// <summary>The tenant's decisions, oldest first.</summary>
    [ReadOnly]
    Task<FingerprintGrouping> GetAsync();

    /// <summary>
    /// The final fingerprint of each event, in input order: the splits of its computed fingerprint first (in the order
    /// they were made, following splits of split-off fingerprints), then the merges of the result (chains followed).
    /// </summary>
    [ReadOnly]
    Task<IReadOnlyList<GroupingResolution>> ResolveAsync(IReadOnlyList<GroupingQuery> events);
}

/// <summary>One event to resolve: the fingerprint computed for it and its own masked text.</summary>
[GenerateSerializer, Immutable, Alias("HealingGrains.GroupingQuery")]
public sealed class GroupingQuery
{
    /// <summary>The fingerprint id computed from the stack or by the template miner.</summary>
    [Id(0)] public required string FingerprintId { get; init; }

    /// <summary>The event's text as <c>VariableMasker.Mask</c> leaves it.</summary>
    [Id(1)] public required string MaskedText { get; init; }
}

/// <summary>Where an event lands after the tenant's grouping decisions.</summary>
[GenerateSerializer, Immutable, Alias("HealingGrains.GroupingResolution")]
public sealed class GroupingResolution
{
    /// <summary>The final fingerprint id.</summary>
    [Id(0)] public required string FingerprintId { get; init; }

    /// <summary>The split pattern when a split decided the fingerprint: the template to record; null otherwise.</summary>
    [Id(1)] public string? Template { get; init; }

    /// <summary>The fingerprint the event was split off, when a split applied.</summary>
    [Id(2)] public string? SplitFrom { get; init; }

    /// <summary>Whether a merge redirected the event (the target keeps its own template).</summary>
    [Id(3)] public bool Merged { get; init; }
}
