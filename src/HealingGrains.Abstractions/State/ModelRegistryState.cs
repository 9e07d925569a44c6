using HealingGrains.Abstractions.Grains;

namespace HealingGrains.Abstractions.State;

/// <summary>The persisted registry of one model kind.</summary>
[GenerateSerializer, Alias("HealingGrains.ModelRegistryState")]
public sealed class ModelRegistryState
{
    /// <summary>Every version, oldest first.</summary>
    [Id(0)] public List<ModelVersionInfo> Versions { get; set; } = [];

    /// <summary>The versions that were active before the current one, most recent last (what rollback returns to).</summary>
    [Id(1)] public List<int> ActiveHistory { get; set; } = [];
}

/// <summary>The persisted bytes of one model version.</summary>
[GenerateSerializer, Alias("HealingGrains.ModelVersionState")]
public sealed class ModelVersionState
{
    /// <summary>The model, once stored.</summary>
    [Id(0)] public byte[]? Bytes { get; set; }
}
