namespace HealingGrains.Abstractions.State;

/// <summary>The persisted state of a tenant's template miner: its clusters, so that ids survive restarts.</summary>
[GenerateSerializer, Alias("HealingGrains.TemplateMinerState")]
public sealed class TemplateMinerState
{
    /// <summary>The grouping configuration version the clusters were mined with.</summary>
    [Id(0)] public int ConfigVersion { get; set; }

    /// <summary>The clusters.</summary>
    [Id(1)] public List<TemplateClusterState> Clusters { get; set; } = [];
}

/// <summary>One persisted template cluster.</summary>
[GenerateSerializer, Alias("HealingGrains.TemplateClusterState")]
public sealed class TemplateClusterState
{
    /// <summary>The cluster id, which is the fingerprint id.</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>The template's tokens.</summary>
    [Id(1)] public required List<string> Tokens { get; init; }

    /// <summary>Messages matched.</summary>
    [Id(2)] public long Count { get; init; }

    /// <summary>The miner's logical clock at the last match, for eviction.</summary>
    [Id(3)] public long LastSeen { get; init; }
}
