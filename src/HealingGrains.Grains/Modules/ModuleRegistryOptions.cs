namespace HealingGrains.Grains.Modules;

/// <summary>How the module registry judges and keeps modules (configuration section <c>HealingGrains:Modules</c>).</summary>
public sealed class ModuleRegistryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "HealingGrains:Modules";

    /// <summary>
    /// The replay refuses a module that would propose a kind whose recorded success on the tenant's incidents is below
    /// this. Default: 0.3.
    /// </summary>
    public double ReplayFloor { get; set; } = 0.3;

    /// <summary>How many recorded tries a kind needs before the floor applies to it. Default: 5.</summary>
    public int ReplayMinimumTries { get; set; } = 5;

    /// <summary>The most recorded incidents replayed (the newest). Default: 10,000.</summary>
    public int MaxReplayIncidents { get; set; } = 10_000;

    /// <summary>The snapshots kept (the oldest are dropped). Default: 20.</summary>
    public int MaxSnapshots { get; set; } = 20;

    /// <summary>The integration attempts kept in the log (the oldest are dropped). Default: 50.</summary>
    public int MaxAttempts { get; set; } = 50;
}
