namespace HealingGrains.Abstractions.Contracts;

/// <summary>The kinds of API key; see the Keys section of the public contract.</summary>
[GenerateSerializer, Alias("HealingGrains.ApiKeyKind")]
public enum ApiKeyKind
{
    /// <summary>Platform operator: creates tenants, reads cluster-wide views.</summary>
    Operator = 0,

    /// <summary>A tenant's admin: everything inside its tenant.</summary>
    Admin = 1,

    /// <summary>A tenant's deployments: telemetry in, actions out, outcomes back.</summary>
    Ingest = 2,
}
