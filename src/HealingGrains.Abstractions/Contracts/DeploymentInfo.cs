namespace HealingGrains.Abstractions.Contracts;

/// <summary>A registered deployment.</summary>
[GenerateSerializer, Alias("HealingGrains.DeploymentInfo")]
public sealed class DeploymentInfo
{
    /// <summary>The deployment's name, unique in its tenant.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>The service the deployment runs.</summary>
    [Id(1)] public string? Service { get; init; }

    /// <summary>The environment.</summary>
    [Id(2)] public string? Environment { get; init; }

    /// <summary>The action kinds its agent can run.</summary>
    [Id(3)] public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>When it was first registered.</summary>
    [Id(4)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its registration last changed.</summary>
    [Id(5)] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>How many distinct fingerprints were seen on it.</summary>
    [Id(6)] public int FingerprintCount { get; init; }

    /// <summary>The latest value of each metric it reported, by metric name.</summary>
    [Id(7)] public IReadOnlyDictionary<string, double> LatestMetrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Registered versions, oldest first.</summary>
    [Id(8)] public IReadOnlyList<DeploymentVersion> Versions { get; init; } = [];

    /// <summary>Open incidents: fingerprints with an open action.</summary>
    [Id(9)] public int OpenIncidents { get; init; }

    /// <summary>Errors per minute over the last ten minutes.</summary>
    [Id(10)] public double RecentErrorRate { get; init; }

    /// <summary>Errors per hour over the last 24 hours, oldest first.</summary>
    [Id(11)] public IReadOnlyList<long> ErrorsPerHour { get; init; } = [];
}
