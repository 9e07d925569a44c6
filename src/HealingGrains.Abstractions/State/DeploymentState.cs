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

    /// <summary>Latest value per metric name, as kept before metric windows (read for names without a window).</summary>
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

    /// <summary>Preventive actions waiting for their verification, by metric name (one per metric).</summary>
    [Id(17)] public Dictionary<string, PreventiveWatch> Watches { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Fingerprints seen since their last proposal was considered, with the terms of their latest occurrence (for the
    /// federation signature): the healing loop takes them up after the delivery that brought them has returned.
    /// </summary>
    [Id(18)] public Dictionary<string, List<string>> PendingProposals { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A preventive action whose predicted failure is watched until its time (plus the grace) is over.</summary>
[GenerateSerializer, Alias("HealingGrains.PreventiveWatch")]
public sealed class PreventiveWatch
{
    [Id(0)] public required string ActionId { get; init; }

    [Id(1)] public required string Metric { get; init; }

    /// <summary>The metric's limit; null when the prediction came from anomalies alone.</summary>
    [Id(2)] public double? Limit { get; init; }

    /// <summary>The timestamp of the point the prediction was made at (the sender's clock).</summary>
    [Id(3)] public DateTimeOffset PredictedAt { get; init; }

    /// <summary>The end of the watched time (the sender's clock): the expected failure time plus the grace.</summary>
    [Id(4)] public DateTimeOffset WatchUntil { get; init; }

    /// <summary>When the action was proposed (the host's clock).</summary>
    [Id(5)] public DateTimeOffset ProposedAt { get; init; }

    /// <summary>When the verification is due even if no point arrives (the host's clock).</summary>
    [Id(6)] public DateTimeOffset DueAt { get; init; }

    /// <summary>The deployment's errors per minute over the 10 minutes before the proposal.</summary>
    [Id(7)] public double ErrorRateBefore { get; init; }

    /// <summary>The action's state as last reported to the deployment.</summary>
    [Id(8)] public Contracts.ActionState ActionState { get; set; }
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
