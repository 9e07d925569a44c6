namespace HealingGrains.Core.Healing;

/// <summary>
/// A tenant's safety constraints (the Policy of the public contract). The defaults are a new tenant's: a human
/// approves everything.
/// </summary>
public sealed record SafetyPolicy
{
    /// <summary>Auto-approve only at or above this confidence (a lower credible bound). Default 1.0: never.</summary>
    public double ApprovalThreshold { get; init; } = 1.0;

    /// <summary>Auto-approve only at or below this risk. Default 0.3.</summary>
    public double MaxRisk { get; init; } = 0.3;

    /// <summary>The kinds that may be proposed; null for all of a deployment's capabilities. Default null.</summary>
    public IReadOnlyList<string>? AllowedKinds { get; init; }

    /// <summary>The most automatic actions per deployment per hour. Default 6.</summary>
    public int MaxAutoActionsPerDeploymentPerHour { get; init; } = 6;

    /// <summary>False is the fail-safe: nothing learned is used, only rules. Default true.</summary>
    public bool AiEnabled { get; init; } = true;

    /// <summary>Whether ranking may explore. Default true.</summary>
    public bool Exploration { get; init; } = true;

    /// <summary>Below this recent success rate of automatic actions, everything needs approval. Default 0.5.</summary>
    public double AutoDowngradeFloor { get; init; } = 0.5;

    /// <summary>The failure probability above which preventive action is proposed. Default 0.8.</summary>
    public double InterventionThreshold { get; init; } = 0.8;

    /// <summary><c>none</c>, <c>share</c>, <c>consume</c> or <c>both</c>. Default none.</summary>
    public string Federation { get; init; } = "none";

    /// <summary>The error categories in which automatic approval is allowed; null for all. Default null.</summary>
    public IReadOnlyList<string>? AutoDomains { get; init; }

    /// <summary>How long a proposal waits for a human before it expires. Default 24 hours.</summary>
    public TimeSpan ApprovalTimeout { get; init; } = TimeSpan.FromHours(24);
}
