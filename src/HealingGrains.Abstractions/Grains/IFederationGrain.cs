using HealingGrains.Abstractions.Contracts;
using Orleans.Concurrency;

namespace HealingGrains.Abstractions.Grains;

/// <summary>
/// One shard of federation (key: the signatures' first two hex digits, <see cref="Keys.FederationKey"/>): anonymous,
/// noise-protected fix statistics across tenants and imported from other installations. A pattern is visible only
/// once enough distinct tenants contributed; its success estimate is the median across tenants.
/// </summary>
public interface IFederationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds a tenant's noisy outcomes to a pattern. False (and nothing kept) when the contribution is malformed, not of
    /// this shard or a shared kind, or would pass the contributor's cap for the pattern in the current period.
    /// </summary>
    Task<bool> ContributeAsync(FederatedContribution contribution);

    /// <summary>
    /// The visible estimates per action kind on <paramref name="signature"/>: this installation's (from at least the
    /// threshold of contributors other than <paramref name="excludeContributor"/>, so that a tenant never counts its own
    /// history twice) combined with imported ones.
    /// </summary>
    [ReadOnly]
    Task<IReadOnlyList<FederatedKindEstimate>> GetEstimatesAsync(string signature, string? excludeContributor);

    /// <summary>This installation's visible patterns (at least the threshold of contributors), for export; imported ones are not re-exported.</summary>
    [ReadOnly]
    Task<IReadOnlyList<FederatedPatternInfo>> ListVisibleAsync();

    /// <summary>
    /// Replaces the issuer's patterns in this shard with a newer bundle's slice; the number of patterns kept, or -1 when
    /// the shard already holds a bundle of that issuer exported at the same time or later (nothing changes).
    /// </summary>
    Task<int> ImportAsync(FederationImport import);

    /// <summary>The shard's counts (no pseudonym, no signature).</summary>
    [ReadOnly]
    Task<FederationShardSummary> GetSummaryAsync();
}
