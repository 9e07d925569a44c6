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

    /// <summary>Its portal accounts, by user name.</summary>
    [Id(5)] public Dictionary<string, PortalUser> Users { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A portal account: its password hash (ASP.NET Core's password hasher), role and lockout.</summary>
[GenerateSerializer, Alias("HealingGrains.PortalUser")]
public sealed class PortalUser
{
    [Id(0)] public required string PasswordHash { get; set; }

    [Id(1)] public required string Role { get; init; }

    [Id(2)] public int FailedAttempts { get; set; }

    [Id(3)] public DateTimeOffset? LockedUntil { get; set; }

    [Id(4)] public DateTimeOffset CreatedAt { get; init; }
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
