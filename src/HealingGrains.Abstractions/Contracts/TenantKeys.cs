namespace HealingGrains.Abstractions.Contracts;

/// <summary>A tenant's freshly issued keys, in clear text: shown once, stored only hashed.</summary>
[GenerateSerializer, Alias("HealingGrains.TenantKeys")]
public sealed class TenantKeys
{
    /// <summary>The tenant id.</summary>
    [Id(0)] public required string TenantId { get; init; }

    /// <summary>The admin key.</summary>
    [Id(1)] public required string AdminKey { get; init; }

    /// <summary>The ingest key.</summary>
    [Id(2)] public required string IngestKey { get; init; }
}
