namespace HealingGrains.Abstractions.Contracts;

/// <summary>A tenant's safety policy (see the Policy section of the public contract) and its version.</summary>
[GenerateSerializer, Alias("HealingGrains.PolicyInfo")]
public sealed class PolicyInfo
{
    [Id(0)] public double ApprovalThreshold { get; set; } = 1.0;

    [Id(1)] public double MaxRisk { get; set; } = 0.3;

    [Id(2)] public List<string>? AllowedKinds { get; set; }

    [Id(3)] public int MaxAutoActionsPerDeploymentPerHour { get; set; } = 6;

    [Id(4)] public bool AiEnabled { get; set; } = true;

    [Id(5)] public bool Exploration { get; set; } = true;

    [Id(6)] public double AutoDowngradeFloor { get; set; } = 0.5;

    [Id(7)] public double InterventionThreshold { get; set; } = 0.8;

    [Id(8)] public string Federation { get; set; } = "none";

    /// <summary>Minutes a proposal waits for a human before it expires. Default 1,440 (a day).</summary>
    [Id(9)] public int ApprovalTimeoutMinutes { get; set; } = 1440;

    /// <summary>Incremented on every change.</summary>
    [Id(10)] public int Version { get; set; } = 1;

    /// <summary>
    /// The error categories (healing domains) in which an action may be approved without a human; null for all.
    /// An error the classifier has not categorised counts as outside every listed domain.
    /// </summary>
    [Id(11)] public List<string>? AutoDomains { get; set; }

    /// <summary>A deep copy.</summary>
    public PolicyInfo Clone()
    {
        var copy = (PolicyInfo)MemberwiseClone();
        copy.AllowedKinds = AllowedKinds is null ? null : [.. AllowedKinds];
        copy.AutoDomains = AutoDomains is null ? null : [.. AutoDomains];
        return copy;
    }
}
