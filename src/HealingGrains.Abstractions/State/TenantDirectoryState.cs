namespace HealingGrains.Abstractions.State;

/// <summary>The persisted list of tenants.</summary>
[GenerateSerializer, Alias("HealingGrains.TenantDirectoryState")]
public sealed class TenantDirectoryState
{
    [Id(0)] public SortedSet<string> Tenants { get; set; } = new(StringComparer.Ordinal);
}
