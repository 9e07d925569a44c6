namespace HealingGrains.Grains;

/// <summary>The names of the grain-storage providers the grains use; the host registers them.</summary>
public static class GrainStorageNames
{
    /// <summary>Durable state of tenants, deployments, fingerprints and miners.</summary>
    public const string State = "state";
}
