using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealingGrains.Storage;

/// <summary>
/// Orleans reminders kept in the row store, so that they outlive silos on SQLite and on Azure tables alike (the
/// Orleans providers for ADO.NET and Azure Table storage need their own schema and connection; this needs nothing the
/// host does not have already). One row per grain holds all its reminders, so a grain's reminders are one read; rows
/// sit in sixteen partitions by the top four bits of the grain's uniform hash, which the reminder service's ring ranges
/// read. Each reminder carries an ETag of its own (a new one per write), as <see cref="IReminderTable"/> asks, while
/// the row's ETag keeps concurrent writers of one grain's reminders from losing each other's changes.
/// </summary>
public sealed class RowStoreReminderTable(IRowStore rows) : IReminderTable
{
    /// <summary>The row-store table.</summary>
    public const string Table = "reminders";

    private const int Partitions = 16;

    // A write that met a concurrent one is tried again on what that one left.
    private const int MaxAttempts = 20;

    /// <inheritdoc/>
    public async Task<ReminderTableData> ReadRows(GrainId grainId)
    {
        var row = await ReadAsync(grainId);
        return new ReminderTableData(row?.Reminders.Select(r => r.ToEntry(grainId)) ?? []);
    }

    /// <inheritdoc/>
    public async Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        var entries = new List<ReminderEntry>();
        for (var p = 0; p < Partitions; p++)
        {
            await foreach (var stored in rows.QueryAsync(Table, Partition((uint)p << 28)))
            {
                var row = Deserialize(stored.Data);
                if (InRange(row.Hash, begin, end))
                {
                    var grainId = GrainId.Parse(row.GrainId);
                    entries.AddRange(row.Reminders.Select(r => r.ToEntry(grainId)));
                }
            }
        }

        return new ReminderTableData(entries);
    }

    /// <inheritdoc/>
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        var row = await ReadAsync(grainId);
        return row?.Reminders.FirstOrDefault(r => r.Name == reminderName)?.ToEntry(grainId);
    }

    /// <inheritdoc/>
    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var eTag = Guid.NewGuid().ToString("N");
        var reminder = new StoredReminder(entry.ReminderName, entry.StartAt, entry.Period, eTag);
        for (var attempt = 1; ; attempt++)
        {
            var stored = await rows.ReadAsync(Table, Partition(entry.GrainId), RowKey(entry.GrainId));
            var row = stored is null
                ? new ReminderRow(entry.GrainId.ToString(), entry.GrainId.GetUniformHashCode(), [])
                : Deserialize(stored.Data);
            var reminders = row.Reminders.Where(r => r.Name != entry.ReminderName).Append(reminder).ToList();
            try
            {
                await rows.WriteAsync(Table, Partition(entry.GrainId), RowKey(entry.GrainId), Serialize(row with { Reminders = reminders }), stored?.ETag);
                return eTag;
            }
            catch (RowConflictException) when (attempt < MaxAttempts)
            {
            }
        }
    }

    /// <inheritdoc/>
    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await rows.ReadAsync(Table, Partition(grainId), RowKey(grainId));
            if (stored is null)
            {
                return false;
            }

            var row = Deserialize(stored.Data);
            if (!row.Reminders.Any(r => r.Name == reminderName && r.ETag == eTag))
            {
                return false;
            }

            var reminders = row.Reminders.Where(r => r.Name != reminderName).ToList();
            try
            {
                if (reminders.Count == 0)
                {
                    await rows.DeleteAsync(Table, Partition(grainId), RowKey(grainId), stored.ETag);
                }
                else
                {
                    await rows.WriteAsync(Table, Partition(grainId), RowKey(grainId), Serialize(row with { Reminders = reminders }), stored.ETag);
                }

                return true;
            }
            catch (RowConflictException) when (attempt < MaxAttempts)
            {
            }
        }
    }

    /// <inheritdoc/>
    public async Task TestOnlyClearTable()
    {
        for (var p = 0; p < Partitions; p++)
        {
            await foreach (var stored in rows.QueryAsync(Table, Partition((uint)p << 28)))
            {
                await rows.DeleteAsync(Table, stored.PartitionKey, stored.RowKey, "*");
            }
        }
    }

    // The ring range (begin, end], wrapping past the top when begin ≥ end (Orleans' own convention).
    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private static string Partition(GrainId grainId) => Partition(grainId.GetUniformHashCode());

    private static string Partition(uint hash) => "h" + (hash >> 28).ToString("x1", CultureInfo.InvariantCulture);

    private static string RowKey(GrainId grainId) => RowKeys.Escape(grainId.ToString());

    private async Task<ReminderRow?> ReadAsync(GrainId grainId)
    {
        var stored = await rows.ReadAsync(Table, Partition(grainId), RowKey(grainId));
        return stored is null ? null : Deserialize(stored.Data);
    }

    private static byte[] Serialize(ReminderRow row) => JsonSerializer.SerializeToUtf8Bytes(row, ReminderJson.Default.ReminderRow);

    private static ReminderRow Deserialize(ReadOnlyMemory<byte> data) =>
        JsonSerializer.Deserialize(data.Span, ReminderJson.Default.ReminderRow)
        ?? throw new InvalidDataException("A reminder row holds no reminders.");

    internal sealed record ReminderRow(string GrainId, uint Hash, IReadOnlyList<StoredReminder> Reminders);

    internal sealed record StoredReminder(string Name, DateTime StartAt, TimeSpan Period, string ETag)
    {
        public ReminderEntry ToEntry(GrainId grainId) =>
            new() { GrainId = grainId, ReminderName = Name, StartAt = StartAt, Period = Period, ETag = ETag };
    }
}

[JsonSerializable(typeof(RowStoreReminderTable.ReminderRow))]
internal sealed partial class ReminderJson : JsonSerializerContext;
