namespace HealingGrains.Abstractions.Grains;

/// <summary>
/// A tenant's template miner, shared by all its deployments so that one error has one fingerprint everywhere.
/// Key: the tenant id.
/// </summary>
public interface ITemplateMinerGrain : IGrainWithStringKey
{
    /// <summary>Assigns each message to a template cluster, learning from it; results in input order.</summary>
    Task<IReadOnlyList<TemplateAssignment>> AssignAsync(IReadOnlyList<string> messages);
}

/// <summary>The cluster a message was assigned to and the cluster's template after the assignment.</summary>
[GenerateSerializer, Immutable, Alias("HealingGrains.TemplateAssignment")]
public sealed class TemplateAssignment
{
    /// <summary>The cluster id, which is the fingerprint id.</summary>
    [Id(0)] public required string ClusterId { get; init; }

    /// <summary>The cluster's template.</summary>
    [Id(1)] public required string Template { get; init; }
}
