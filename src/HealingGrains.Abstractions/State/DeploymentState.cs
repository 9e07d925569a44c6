namespace HealingGrains.Abstractions.State;

/// <summary>The persisted state of a deployment.</summary>
[GenerateSerializer, Alias("HealingGrains.DeploymentState")]
public sealed class DeploymentState
{
    /// <summary>Whether the deployment was registered.</summary>
    [Id(0)] public bool Registered { get; set; }

    /// <summary>The service it runs.</summary>
    [Id(1)] public string? Service { get; set; }

    /// <summary>Its environment.</summary>
    [Id(2)] public string? Environment { get; set; }

    /// <summary>The action kinds its agent can run.</summary>
    [Id(3)] public List<string> Capabilities { get; set; } = [];

    /// <summary>First registration.</summary>
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Latest change of registration.</summary>
    [Id(5)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Fingerprints seen on it.</summary>
    [Id(6)] public HashSet<string> Fingerprints { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Latest value per metric name.</summary>
    [Id(7)] public Dictionary<string, double> LatestMetrics { get; set; } = new(StringComparer.Ordinal);
}
