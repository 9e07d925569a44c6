namespace HealingGrains.Cli.Simulation;

/// <summary>How a simulation runs beyond its world: the context of incidents, the tenants' policy, and the models.</summary>
internal sealed record SimulationOptions
{
    /// <summary>The share of incidents that come right after a new release (0: releases play no part). Default 0.</summary>
    public double Releases { get; init; }

    /// <summary>The tenants' approval threshold; null keeps a new tenant's (1.0: a human approves everything).</summary>
    public double? ApprovalThreshold { get; init; }

    /// <summary>The tenants' maximum risk for automatic approval; null keeps the default (0.3).</summary>
    public double? MaxRisk { get; init; }

    /// <summary>The tenants' auto-downgrade floor; null keeps the default (0.5). 0 turns the downgrade off.</summary>
    public double? AutoDowngradeFloor { get; init; }

    /// <summary>Whether the host trains and activates a risk assessor from the outcomes so far, after <see cref="TrainAfter"/> incidents.</summary>
    public bool RiskAssessor { get; init; }

    /// <summary>After how many incidents the risk assessor is trained (and from which the comparison counts). Default: a third.</summary>
    public int? TrainAfter { get; init; }

    /// <summary>How long the host takes to switch to a newly active model.</summary>
    public TimeSpan ModelSwitch { get; init; } = TimeSpan.FromSeconds(11);
}
