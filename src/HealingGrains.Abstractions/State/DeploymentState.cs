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

    /// <summary>Registered versions, oldest first.</summary>
    [Id(8)] public List<Contracts.DeploymentVersion> Versions { get; set; } = [];

    /// <summary>The open action of each fingerprint that has one.</summary>
    [Id(9)] public Dictionary<string, OpenAction> OpenActions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>When automatic actions were approved, for the hourly limit (last hour only).</summary>
    [Id(10)] public List<DateTimeOffset> AutoActions { get; set; } = [];

    /// <summary>Outcomes of recent automatic actions, newest last, for the downgrade.</summary>
    [Id(11)] public List<bool> RecentAutoOutcomes { get; set; } = [];

    /// <summary>The exception type of each fingerprint seen here, for finding similar ones.</summary>
    [Id(12)] public Dictionary<string, string> ExceptionTypes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The template of each fingerprint seen here (at most 2,000), for finding similar ones.</summary>
    [Id(13)] public Dictionary<string, string> Templates { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Errors per minute (key: Unix minute) over the last 24 hours.</summary>
    [Id(14)] public SortedDictionary<long, long> ErrorsPerMinute { get; set; } = [];

    /// <summary>The category of each fingerprint seen here, for similarity within a domain.</summary>
    [Id(15)] public Dictionary<string, string> Categories { get; set; } = new(StringComparer.Ordinal);

    /// <summary>When the deployment's last action was proposed.</summary>
    [Id(16)] public DateTimeOffset? LastActionAt { get; set; }
}

/// <summary>An open action as its deployment tracks it.</summary>
[GenerateSerializer, Alias("HealingGrains.OpenAction")]
public sealed class OpenAction
{
    [Id(0)] public required string ActionId { get; init; }

    /// <summary>When a pending approval expires.</summary>
    [Id(1)] public DateTimeOffset ExpiresAt { get; init; }

    [Id(2)] public bool AutoApproved { get; init; }
}
