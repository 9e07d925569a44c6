namespace HealingGrains.Abstractions.Contracts;

/// <summary>What a tenant admin declares about a deployment with <c>PUT /api/v1/deployments/{deployment}</c>.</summary>
[GenerateSerializer, Alias("HealingGrains.DeploymentSpec")]
public sealed class DeploymentSpec
{
    /// <summary>The service the deployment runs.</summary>
    [Id(0)] public string? Service { get; init; }

    /// <summary>The environment (prod, staging, …).</summary>
    [Id(1)] public string? Environment { get; init; }

    /// <summary>The action kinds the deployment's agent can run.</summary>
    [Id(2)] public IReadOnlyList<string> Capabilities { get; init; } = [];
}
