namespace HealingGrains.Abstractions.Contracts;

/// <summary>One entry of a tenant's hash-chained audit log.</summary>
[GenerateSerializer, Alias("HealingGrains.AuditRecord")]
public sealed class AuditRecord
{
    [Id(0)] public long Sequence { get; init; }

    [Id(1)] public DateTimeOffset At { get; init; }

    /// <summary><c>policy</c>, <c>admin:&lt;name&gt;</c>, <c>agent</c>, <c>system</c>.</summary>
    [Id(2)] public required string Actor { get; init; }

    /// <summary>What happened, e.g. <c>action.proposed</c>, <c>action.approved</c>, <c>policy.changed</c>.</summary>
    [Id(3)] public required string Event { get; init; }

    /// <summary>What it happened to (an action id, <c>policy</c>).</summary>
    [Id(4)] public required string Subject { get; init; }

    [Id(5)] public string? Detail { get; init; }

    [Id(6)] public string Hash { get; init; } = "";
}

/// <summary>What <c>GET /api/v1/audit/verify</c> reports.</summary>
[GenerateSerializer, Alias("HealingGrains.AuditVerification")]
public sealed class AuditVerification
{
    [Id(0)] public bool Valid { get; init; }

    [Id(1)] public long Records { get; init; }

    [Id(2)] public long? FirstInvalidSequence { get; init; }

    [Id(3)] public string? Problem { get; init; }
}
