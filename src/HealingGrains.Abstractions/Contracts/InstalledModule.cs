namespace HealingGrains.Abstractions.Contracts;

/// <summary>A module installed for a tenant: its manifest exactly as sent, and who installed it when.</summary>
[GenerateSerializer, Alias("HealingGrains.InstalledModule")]
public sealed class InstalledModule
{
    /// <summary>The module's id (<c>acme.db-pool</c>).</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>Its semantic version.</summary>
    [Id(1)] public required string Version { get; init; }

    /// <summary>
    /// The manifest's JSON text, as integrated. In the registry's persisted state it is empty and
    /// <see cref="ManifestHash"/> names the row that holds it, so that snapshots share one copy of each manifest.
    /// </summary>
    [Id(2)] public required string Manifest { get; init; }

    /// <summary>When it was installed.</summary>
    [Id(3)] public DateTimeOffset InstalledAt { get; init; }

    /// <summary>Who installed it (<c>admin:key</c>, <c>admin:&lt;name&gt;</c>).</summary>
    [Id(4)] public required string By { get; init; }

    /// <summary>The SHA-256 (hex) of <see cref="Manifest"/>: the key of the row that stores it once per tenant.</summary>
    [Id(5)] public string? ManifestHash { get; init; }
}

/// <summary>The full installed set as it was before an install or uninstall: what a rollback restores.</summary>
[GenerateSerializer, Alias("HealingGrains.ModuleSnapshot")]
public sealed class ModuleSnapshot
{
    /// <summary>Its number, from 1, in the order taken.</summary>
    [Id(0)] public int Id { get; init; }

    /// <summary>When it was taken.</summary>
    [Id(1)] public DateTimeOffset TakenAt { get; init; }

    /// <summary>Who made the change it was taken before.</summary>
    [Id(2)] public required string By { get; init; }

    /// <summary>The change it was taken before (<c>install acme.db-pool 1.2.0</c>, <c>uninstall acme.db-pool</c>).</summary>
    [Id(3)] public required string Before { get; init; }

    /// <summary>The installed modules at that moment.</summary>
    [Id(4)] public List<InstalledModule> Modules { get; init; } = [];
}
