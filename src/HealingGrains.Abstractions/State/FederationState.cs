using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Abstractions.State;

/// <summary>
/// The persisted state of one federation shard: per signature, per action kind, per contributor pseudonym, the summed
/// noisy counts; and the patterns imported from other installations, apart per issuer. Nothing in it names a tenant.
/// </summary>
[GenerateSerializer, Alias("HealingGrains.FederationState")]
public sealed class FederationState
{
    /// <summary>This installation's contributions, by signature.</summary>
    [Id(0)] public Dictionary<string, FederatedSignatureState> Signatures { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Imported bundles' slices, by issuer key.</summary>
    [Id(1)] public Dictionary<string, FederationImport> Imports { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The contributions to one signature.</summary>
[GenerateSerializer, Alias("HealingGrains.FederatedSignatureState")]
public sealed class FederatedSignatureState
{
    /// <summary>By action kind, then by contributor pseudonym.</summary>
    [Id(0)] public Dictionary<string, Dictionary<string, FederatedContributorState>> Kinds { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One contributor's running sums on one pattern, and what it contributed in the current period.</summary>
[GenerateSerializer, Alias("HealingGrains.FederatedContributorState")]
public sealed class FederatedContributorState
{
    /// <summary>Summed noisy successes (scaled down when the outcomes would pass the per-contributor cap).</summary>
    [Id(0)] public double Successes { get; set; }

    /// <summary>Summed noisy failures.</summary>
    [Id(1)] public double Failures { get; set; }

    /// <summary>The outcomes the sums stand for (at most the per-contributor cap).</summary>
    [Id(2)] public int Outcomes { get; set; }

    /// <summary>The current period's number (periods since the Unix epoch).</summary>
    [Id(3)] public long Period { get; set; }

    /// <summary>Outcomes accepted in that period (at most the per-period cap).</summary>
    [Id(4)] public int PeriodOutcomes { get; set; }

    /// <summary>When it last changed (the least recently changed give way when a shard is full).</summary>
    [Id(5)] public DateTimeOffset UpdatedAt { get; set; }
}
