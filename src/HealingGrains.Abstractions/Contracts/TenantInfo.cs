namespace HealingGrains.Abstractions.Contracts;

/// <summary>What anyone allowed to see a tenant may read of it (never its keys).</summary>
[GenerateSerializer, Alias("HealingGrains.TenantInfo")]
public sealed class TenantInfo
{
    /// <summary>The tenant id.</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>The display name.</summary>
    [Id(1)] public required string Name { get; init; }

    /// <summary>When the tenant was created.</summary>
    [Id(2)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The tenant's deployments, by name.</summary>
    [Id(3)] public IReadOnlyList<string> Deployments { get; init; } = [];
}
