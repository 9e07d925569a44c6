namespace HealingGrains.Abstractions.Contracts;

/// <summary>
/// Outcomes of one action kind on one anonymous signature, as they leave a tenant: no tenant id, deployment, host or
/// text, only the signature, the kind, the tenant's pseudonym and noisy counts.
/// </summary>
[GenerateSerializer, Alias("HealingGrains.FederatedContribution")]
public sealed class FederatedContribution
{
    /// <summary>The anonymous signature (32 hex digits).</summary>
    [Id(0)] public required string Signature { get; init; }

    /// <summary>The action kind, one of the shared kinds.</summary>
    [Id(1)] public required string Kind { get; init; }

    /// <summary>The tenant's pseudonym (24 hex digits), the same for every contribution of the tenant.</summary>
    [Id(2)] public required string Contributor { get; init; }

    /// <summary>How many outcomes the counts stand for (what the per-period cap counts).</summary>
    [Id(3)] public int Outcomes { get; init; }

    /// <summary>Successes plus Laplace noise.</summary>
    [Id(4)] public double Successes { get; init; }

    /// <summary>Failures plus Laplace noise.</summary>
    [Id(5)] public double Failures { get; init; }
}

/// <summary>What federation knows about one action kind on a signature, for a tenant that asks.</summary>
[GenerateSerializer, Alias("HealingGrains.FederatedKindEstimate")]
public sealed class FederatedKindEstimate
{
    [Id(0)] public required string Kind { get; init; }

    /// <summary>Distinct organisations behind it: at least the visibility threshold, the asking tenant not counted.</summary>
    [Id(1)] public int Organisations { get; init; }

    /// <summary>The outcomes behind it, each organisation's capped.</summary>
    [Id(2)] public double Cases { get; init; }

    /// <summary>The robust success estimate (median across organisations).</summary>
    [Id(3)] public double SuccessRate { get; init; }
}

/// <summary>A visible pattern: an action kind on a signature with its aggregate, as exported or imported.</summary>
[GenerateSerializer, Alias("HealingGrains.FederatedPatternInfo")]
public sealed class FederatedPatternInfo
{
    [Id(0)] public required string Signature { get; init; }

    [Id(1)] public required string Kind { get; init; }

    [Id(2)] public int Contributors { get; init; }

    [Id(3)] public double Cases { get; init; }

    [Id(4)] public double SuccessRate { get; init; }
}

/// <summary>One shard's slice of a verified bundle from another installation.</summary>
[GenerateSerializer, Alias("HealingGrains.FederationImport")]
public sealed class FederationImport
{
    /// <summary>Who signed it: the first 16 hex digits of SHA-256 over its public key (the issuer's name is only a label).</summary>
    [Id(0)] public required string IssuerKey { get; init; }

    /// <summary>The issuer's name as the bundle gives it.</summary>
    [Id(1)] public required string Issuer { get; init; }

    [Id(2)] public DateTimeOffset ExportedAt { get; init; }

    [Id(3)] public DateTimeOffset ImportedAt { get; init; }

    /// <summary>The bundle's patterns in this shard (possibly none: the shard then drops the issuer's older ones).</summary>
    [Id(4)] public List<FederatedPatternInfo> Patterns { get; init; } = [];
}

/// <summary>Counts of one shard, without anything that names a tenant.</summary>
[GenerateSerializer, Alias("HealingGrains.FederationShardSummary")]
public sealed class FederationShardSummary
{
    /// <summary>Signatures with at least one contribution.</summary>
    [Id(0)] public int Signatures { get; init; }

    /// <summary>(signature, kind) pairs with at least one contribution.</summary>
    [Id(1)] public int Patterns { get; init; }

    /// <summary>Patterns with at least the visibility threshold of contributors.</summary>
    [Id(2)] public int VisiblePatterns { get; init; }

    /// <summary>Contributions kept (one per contributor and pattern).</summary>
    [Id(3)] public int Contributions { get; init; }

    /// <summary>Outcomes the kept contributions stand for.</summary>
    [Id(4)] public long Outcomes { get; init; }

    /// <summary>Bundles from other installations whose slice this shard holds.</summary>
    [Id(5)] public List<FederationImportSummary> Imports { get; init; } = [];
}

/// <summary>One imported bundle as a shard holds it.</summary>
[GenerateSerializer, Alias("HealingGrains.FederationImportSummary")]
public sealed class FederationImportSummary
{
    [Id(0)] public required string IssuerKey { get; init; }

    [Id(1)] public required string Issuer { get; init; }

    [Id(2)] public DateTimeOffset ExportedAt { get; init; }

    [Id(3)] public DateTimeOffset ImportedAt { get; init; }

    [Id(4)] public int Patterns { get; init; }
}
