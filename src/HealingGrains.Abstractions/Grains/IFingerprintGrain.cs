using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Abstractions.Grains;

/// <summary>One fingerprint of a tenant: template, counts, temporal buckets, deployments. Key: <c>tenant/fingerprint</c>.</summary>
public interface IFingerprintGrain : IGrainWithStringKey
{
    /// <summary>Records occurrences; true when this is the first time the fingerprint is seen on that deployment.</summary>
    Task<bool> RecordAsync(FingerprintObservation observation);

    /// <summary>The fingerprint, or null when it has never occurred.</summary>
    Task<FingerprintInfo?> GetAsync();

    /// <summary>What the recommender needs: exception type, first occurrence, outcome counts per action kind.</summary>
    Task<FingerprintFacts?> GetFactsAsync();

    /// <summary>Learns from an action's outcome on this fingerprint.</summary>
    Task RecordOutcomeAsync(string kind, bool succeeded, string? actionId = null, string? deployment = null);
}
