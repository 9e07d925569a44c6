using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Abstractions.Grains;

/// <summary>One fingerprint of a tenant: template, counts, temporal buckets, deployments. Key: <c>tenant/fingerprint</c>.</summary>
public interface IFingerprintGrain : IGrainWithStringKey
{
    /// <summary>Records occurrences; true when this is the first time the fingerprint is seen on that deployment.</summary>
    Task<bool> RecordAsync(FingerprintObservation observation);

    /// <summary>The fingerprint, or null when it has never occurred.</summary>
    Task<FingerprintInfo?> GetAsync();
}
