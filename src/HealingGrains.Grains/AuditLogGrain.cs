using System.Text.Json;
using HealingGrains.Core.Audit;
using HealingGrains.Storage;

namespace HealingGrains.Grains;

/// <inheritdoc cref="IAuditLogGrain"/>
/// <remarks>
/// Records are rows of table <c>audit</c>, partition = the escaped tenant id, row key = the sequence number padded to
/// 19 digits; the grain's own state is only the chain's head (count and last hash), so a record removed from the
/// end is noticed too.
/// </remarks>
public sealed class AuditLogGrain(
    [PersistentState(stateName: "audit", storageName: GrainStorageNames.State)] IPersistentState<AuditLogState> head,
    IRowStore rows,
    TimeProvider time) : Grain, IAuditLogGrain
{
    /// <summary>The row-store table of audit records.</summary>
    public const string Table = "audit";

    private string Partition => RowKeys.Escape(this.GetPrimaryKeyString());

    /// <inheritdoc/>
    public async Task<AuditRecord> AppendAsync(string actor, string @event, string subject, string? detail)
    {
        while (true)
        {
            var sequence = head.State.Count + 1;
            var record = new AuditContent(time.GetUtcNow(), actor, @event, subject, detail);
            var content = JsonSerializer.Serialize(record, AuditJson.Default.AuditContent);
            var hash = HashChain.Link(head.State.LastHash ?? HashChain.Genesis, sequence, content);
            try
            {
                await rows.WriteAsync(Table, Partition, RowKeyOf(sequence), Serialize(new StoredAudit(content, hash)), expectedETag: null);
            }
            catch (RowConflictException)
            {
                // A record was written but the head was not (a crash in between): adopt it and append after it.
                var existing = Parse((await rows.ReadAsync(Table, Partition, RowKeyOf(sequence)))!);
                head.State.Count = sequence;
                head.State.LastHash = existing.Hash;
                continue;
            }

            head.State.Count = sequence;
            head.State.LastHash = hash;
            await head.WriteStateAsync();
            return ToRecord(sequence, record, hash);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AuditRecord>> ListAsync(long fromSequence, int limit)
    {
        var result = new List<AuditRecord>();
        await foreach (var row in rows.QueryAsync(Table, Partition, RowKeyOf(Math.Max(1, fromSequence)), limit))
        {
            var stored = Parse(row);
            var content = JsonSerializer.Deserialize(stored.Content, AuditJson.Default.AuditContent)!;
            result.Add(ToRecord(long.Parse(row.RowKey, System.Globalization.CultureInfo.InvariantCulture), content, stored.Hash));
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task<AuditVerification> VerifyAsync()
    {
        var records = new List<ChainRecord>();
        await foreach (var row in rows.QueryAsync(Table, Partition))
        {
            var stored = Parse(row);
            records.Add(new ChainRecord(long.Parse(row.RowKey, System.Globalization.CultureInfo.InvariantCulture), stored.Content, stored.Hash));
        }

        var result = HashChain.Verify(records, head.State.Count);
        return new AuditVerification
        {
            Valid = result.Valid,
            Records = result.Records,
            FirstInvalidSequence = result.FirstInvalidSequence,
            Problem = result.Problem,
        };
    }

    private static string RowKeyOf(long sequence) => sequence.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] Serialize(StoredAudit stored) => JsonSerializer.SerializeToUtf8Bytes(stored, AuditJson.Default.StoredAudit);

    private static StoredAudit Parse(StoredRow row) => JsonSerializer.Deserialize(row.Data.Span, AuditJson.Default.StoredAudit)!;

    private static AuditRecord ToRecord(long sequence, AuditContent content, string hash) => new()
    {
        Sequence = sequence,
        At = content.At,
        Actor = content.Actor,
        Event = content.Event,
        Subject = content.Subject,
        Detail = content.Detail,
        Hash = hash,
    };
}

/// <summary>What an audit record's hash covers, serialised the same way every time.</summary>
internal sealed record AuditContent(DateTimeOffset At, string Actor, string Event, string Subject, string? Detail);

/// <summary>An audit row: the exact content that was hashed, and the hash.</summary>
internal sealed record StoredAudit(string Content, string Hash);

[System.Text.Json.Serialization.JsonSerializable(typeof(AuditContent))]
[System.Text.Json.Serialization.JsonSerializable(typeof(StoredAudit))]
internal sealed partial class AuditJson : System.Text.Json.Serialization.JsonSerializerContext;
