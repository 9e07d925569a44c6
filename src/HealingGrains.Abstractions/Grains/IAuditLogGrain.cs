using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Abstractions.Grains;

/// <summary>A tenant's append-only, hash-chained audit log, stored as rows of the row store. Key: the tenant id.</summary>
public interface IAuditLogGrain : IGrainWithStringKey
{
    /// <summary>Appends a record and returns it with its sequence and hash.</summary>
    Task<AuditRecord> AppendAsync(string actor, string @event, string subject, string? detail);

    /// <summary>Records from <paramref name="fromSequence"/> on, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AuditRecord>> ListAsync(long fromSequence, int limit);

    /// <summary>Walks the whole chain and reports the first record that was altered or removed.</summary>
    Task<AuditVerification> VerifyAsync();
}
