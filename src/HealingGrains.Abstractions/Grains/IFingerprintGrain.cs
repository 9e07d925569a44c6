using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Abstractions.Grains;

/// <summary>One fingerprint of a tenant: template, counts, temporal buckets, deployments. Key: <c>tenant/fingerprint</c>.</summary>
public interface IFingerprintGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records occurrences, once per <see cref="FingerprintObservation.BatchId"/>: true when this is the first time the
    /// fingerprint is seen on that deployment, or when the batch was already applied (the caller may have died before it
    /// told the deployment, and telling it again is harmless).
    /// </summary>
    Task<bool> RecordAsync(FingerprintObservation observation);

    /// <summary>The fingerprint, or null when it has never occurred.</summary>
    Task<FingerprintInfo?> GetAsync();

    /// <summary>What the recommender needs: exception type, first occurrence, outcome counts per action kind.</summary>
    Task<FingerprintFacts?> GetFactsAsync();

    /// <summary>
    /// An admin's correction of the error's category: it stands against the classifier and becomes training data
    /// (the message masked). Null when the fingerprint does not exist.
    /// </summary>
    Task<FingerprintInfo?> CorrectCategoryAsync(string category, string by);

    /// <summary>Learns from an action's outcome on this fingerprint.</summary>
    Task RecordOutcomeAsync(string kind, bool succeeded, string? actionId = null, string? deployment = null);

    /// <summary>
    /// Marks the fingerprint as merged into <paramref name="into"/> (it keeps its history) and returns it as it is
    /// now, for the target to absorb; null when it has never occurred. Called by the tenant's grouping grain.
    /// </summary>
    Task<FingerprintInfo?> MarkMergedAsync(string into);

    /// <summary>
    /// Absorbs a merged fingerprint's occurrences (count, first and last seen, per-minute buckets) and deployments;
    /// a fingerprint already absorbed is not counted twice. Called by the tenant's grouping grain.
    /// </summary>
    Task<FingerprintInfo> AbsorbAsync(FingerprintInfo merged);

    /// <summary>
    /// Creates the fingerprint split off <paramref name="splitFrom"/> by <paramref name="template"/>, with no
    /// occurrences yet, unless it exists. Called by the tenant's grouping grain.
    /// </summary>
    Task<FingerprintInfo> CreateSplitAsync(string splitFrom, string template, string? exceptionType, FingerprintSource source);
}
