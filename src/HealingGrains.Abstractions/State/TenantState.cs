using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Abstractions.State;

/// <summary>The persisted state of a tenant.</summary>
[GenerateSerializer, Alias("HealingGrains.TenantState")]
public sealed class TenantState
{
    /// <summary>The display name; null until the tenant is created.</summary>
    [Id(0)] public string? Name { get; set; }

    /// <summary>When it was created.</summary>
    [Id(1)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Its valid keys, hashed.</summary>
    [Id(2)] public List<ApiKeyRecord> Keys { get; set; } = [];

    /// <summary>Its deployments, by name.</summary>
    [Id(3)] public SortedSet<string> Deployments { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Its safety policy.</summary>
    [Id(4)] public PolicyInfo Policy { get; set; } = new();
}

/// <summary>One stored key: its hash and kind, never the key itself.</summary>
[GenerateSerializer, Alias("HealingGrains.ApiKeyRecord")]
public sealed class ApiKeyRecord
{
    /// <summary>SHA-256 of the key, lowercase hex.</summary>
    [Id(0)] public required string Hash { get; init; }

    /// <summary>Admin or ingest.</summary>
    [Id(1)] public ApiKeyKind Kind { get; init; }

    /// <summary>When it was issued.</summary>
    [Id(2)] public DateTimeOffset IssuedAt { get; init; }
}
