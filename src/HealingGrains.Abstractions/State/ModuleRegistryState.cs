using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Abstractions.State;

/// <summary>The persisted module registry of one tenant.</summary>
[GenerateSerializer, Alias("HealingGrains.ModuleRegistryState")]
public sealed class ModuleRegistryState
{
    /// <summary>The installed modules, ordered by id.</summary>
    [Id(0)] public List<InstalledModule> Installed { get; set; } = [];

    /// <summary>The snapshots kept, oldest first (numbers keep counting when old ones are dropped).</summary>
    [Id(1)] public List<ModuleSnapshot> Snapshots { get; set; } = [];

    /// <summary>The latest integration attempts, oldest first.</summary>
    [Id(2)] public List<ModuleIntegrationReport> Attempts { get; set; } = [];

    /// <summary>Snapshots taken so far (the next one's number is this plus one).</summary>
    [Id(3)] public int SnapshotCount { get; set; }

    /// <summary>Integration attempts made so far.</summary>
    [Id(4)] public int AttemptCount { get; set; }
}
