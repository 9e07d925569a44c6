namespace HealingGrains.Abstractions.Contracts;

/// <summary>One integration attempt: each step's result and whether the module was installed or refused, and why.</summary>
[GenerateSerializer, Alias("HealingGrains.ModuleIntegrationReport")]
public sealed class ModuleIntegrationReport
{
    /// <summary>The attempt's number in the tenant's log, from 1.</summary>
    [Id(0)] public int Attempt { get; init; }

    /// <summary>When it was made.</summary>
    [Id(1)] public DateTimeOffset At { get; init; }

    /// <summary>Who made it.</summary>
    [Id(2)] public required string By { get; init; }

    /// <summary>The module's id, when the manifest had a valid one.</summary>
    [Id(3)] public string? ModuleId { get; set; }

    /// <summary>The module's version, when the manifest had a valid one.</summary>
    [Id(4)] public string? Version { get; set; }

    /// <summary>Whether it was installed.</summary>
    [Id(5)] public bool Installed { get; set; }

    /// <summary>The steps, in order: <c>parse</c>, <c>compatibility</c>, <c>tests</c>, <c>replay</c>, <c>snapshot</c>, <c>install</c>.</summary>
    [Id(6)] public List<ModuleIntegrationStep> Steps { get; init; } = [];

    /// <summary>Why it was refused (empty when installed).</summary>
    [Id(7)] public List<string> Reasons { get; init; } = [];

    /// <summary>The manifest's wrong fields, by path (<c>rules[1].propose.kind</c>), when it did not parse.</summary>
    [Id(8)] public Dictionary<string, string[]> FieldErrors { get; init; } = new(StringComparer.Ordinal);

    /// <summary>What the replay of the tenant's recorded incidents found, when it ran.</summary>
    [Id(9)] public ModuleReplaySummary? Replay { get; set; }

    /// <summary>The snapshot taken before the install, when it got that far.</summary>
    [Id(10)] public int? SnapshotId { get; set; }
}

/// <summary>One step of an integration attempt.</summary>
[GenerateSerializer, Alias("HealingGrains.ModuleIntegrationStep")]
public sealed class ModuleIntegrationStep
{
    /// <summary><c>parse</c>, <c>compatibility</c>, <c>tests</c>, <c>replay</c>, <c>snapshot</c> or <c>install</c>.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>Whether it passed (a refused step ends the attempt).</summary>
    [Id(1)] public bool Passed { get; init; }

    /// <summary>What it found, in a sentence.</summary>
    [Id(2)] public required string Detail { get; init; }
}

/// <summary>What a module would have proposed on the tenant's recorded incidents, against what worked.</summary>
[GenerateSerializer, Alias("HealingGrains.ModuleReplaySummary")]
public sealed class ModuleReplaySummary
{
    /// <summary>Recorded incidents (actions with an outcome) replayed.</summary>
    [Id(0)] public int Incidents { get; init; }

    /// <summary>How often it would have proposed each kind.</summary>
    [Id(1)] public Dictionary<string, int> Proposed { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Incidents where it would have proposed the kind that was tried and worked.</summary>
    [Id(2)] public int Agreed { get; init; }

    /// <summary>Incidents where it would have proposed the kind that was tried and failed.</summary>
    [Id(3)] public int Disagreed { get; init; }

    /// <summary>Each proposed kind's recorded success rate (null when never tried) and tries.</summary>
    [Id(4)] public Dictionary<string, ModuleKindRecord> RecordedSuccess { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>A kind's recorded success over the tenant's incidents.</summary>
[GenerateSerializer, Alias("HealingGrains.ModuleKindRecord")]
public sealed class ModuleKindRecord
{
    /// <summary>Successes over tries, or null when never tried.</summary>
    [Id(0)] public double? Rate { get; init; }

    /// <summary>How many incidents tried it.</summary>
    [Id(1)] public int Tries { get; init; }
}

/// <summary>A tenant's module registry as it is now: installed modules, snapshots and recent integration attempts.</summary>
[GenerateSerializer, Alias("HealingGrains.ModuleRegistryInfo")]
public sealed class ModuleRegistryInfo
{
    /// <summary>The installed modules, by id.</summary>
    [Id(0)] public List<InstalledModule> Installed { get; init; } = [];

    /// <summary>The snapshots kept, oldest first.</summary>
    [Id(1)] public List<ModuleSnapshot> Snapshots { get; init; } = [];

    /// <summary>The latest integration attempts, newest first.</summary>
    [Id(2)] public List<ModuleIntegrationReport> Attempts { get; init; } = [];
}

/// <summary>The result of a rollback or an uninstall.</summary>
[GenerateSerializer, Alias("HealingGrains.ModuleRegistryChange")]
public sealed class ModuleRegistryChange
{
    /// <summary>Why nothing changed (no such snapshot or module), or null when it was done.</summary>
    [Id(0)] public string? Problem { get; init; }

    /// <summary>The installed set after the change.</summary>
    [Id(1)] public List<InstalledModule> Installed { get; init; } = [];

    /// <summary>The snapshot restored (rollback) or taken before the change (uninstall).</summary>
    [Id(2)] public int? SnapshotId { get; init; }
}
