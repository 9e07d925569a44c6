namespace HealingGrains.Abstractions.Contracts;

/// <summary>A version of a deployment, as its pipeline registered it.</summary>
[GenerateSerializer, Alias("HealingGrains.DeploymentVersion")]
public sealed class DeploymentVersion
{
    [Id(0)] public required string Version { get; init; }

    [Id(1)] public string? Commit { get; init; }

    [Id(2)] public DateTimeOffset DeployedAt { get; init; }

    [Id(3)] public DateTimeOffset RegisteredAt { get; init; }
}
