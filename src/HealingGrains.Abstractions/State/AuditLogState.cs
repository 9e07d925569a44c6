namespace HealingGrains.Abstractions.State;

/// <summary>The head of a tenant's audit chain; the records themselves are rows.</summary>
[GenerateSerializer, Alias("HealingGrains.AuditLogState")]
public sealed class AuditLogState
{
    /// <summary>The number of records appended.</summary>
    [Id(0)] public long Count { get; set; }

    /// <summary>The hash of the last record.</summary>
    [Id(1)] public string? LastHash { get; set; }
}
