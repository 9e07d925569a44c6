using Orleans.Configuration;
using Orleans.Storage;

namespace HealingGrains.Storage;

/// <summary>
/// Orleans grain storage on an <see cref="IRowStore"/>. Table <c>grainstate</c>; partition key: the escaped
/// <c>serviceId/grainId</c> (one partition per grain); row key: the escaped state name. The payload is the Orleans
/// binary serialization of the state, version-tolerant for <c>[GenerateSerializer]</c> types.
/// A write or clear that fails (storage down or slow, or a stale ETag) deactivates the grain that asked for it: its
/// memory then holds a change that is not stored, or an ETag that no longer matches (an attempt that timed out may still
/// have been applied), and its next activation reads what storage really holds instead of diverging from it.
/// </summary>
public sealed class RowStoreGrainStorage(
    string name, IRowStore rows, IGrainStorageSerializer serializer, ClusterOptions cluster, IGrainContextAccessor? grainContext = null)
    : IGrainStorage
{
    /// <summary>The table that holds grain state.</summary>
    public const string Table = "grainstate";

    /// <summary>The provider's name.</summary>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var row = await rows.ReadAsync(Table, PartitionKey(grainId), RowKey(stateName));
        if (row is null)
        {
            grainState.State = CreateDefault<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = serializer.Deserialize<T>(BinaryData.FromBytes(row.Data));
        grainState.ETag = row.ETag;
        grainState.RecordExists = true;
    }

    /// <inheritdoc/>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = serializer.Serialize(grainState.State);
        try
        {
            grainState.ETag = await rows.WriteAsync(Table, PartitionKey(grainId), RowKey(stateName), data.ToMemory(), grainState.ETag);
            grainState.RecordExists = true;
        }
        catch (RowConflictException ex)
        {
            Reload(grainId, ex);

            // The row store's exception stays here: it is not an Orleans-serializable type and would turn the
            // caller's InconsistentStateException into a codec error on the way out of the grain.
            throw new InconsistentStateException(
                $"State '{stateName}' of {grainId} in storage '{Name}' was changed by another writer; nothing was overwritten. {ex.Message}",
                storedEtag: null, currentEtag: grainState.ETag);
        }
        catch (Exception ex)
        {
            Reload(grainId, ex);
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is { } etag)
        {
            try
            {
                await rows.DeleteAsync(Table, PartitionKey(grainId), RowKey(stateName), etag);
            }
            catch (RowConflictException ex)
            {
                Reload(grainId, ex);
                throw new InconsistentStateException(
                    $"State '{stateName}' of {grainId} in storage '{Name}' was changed by another writer; it was not cleared. {ex.Message}",
                    storedEtag: null, currentEtag: etag);
            }
            catch (Exception ex)
            {
                Reload(grainId, ex);
                throw;
            }
        }

        grainState.State = CreateDefault<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <summary>The partition that holds a grain's state rows.</summary>
    public static string PartitionKeyFor(string serviceId, GrainId grainId) => RowKeys.Escape($"{serviceId}/{grainId}");

    /// <summary>The row that holds one named state of a grain.</summary>
    public static string RowKeyFor(string stateName) => RowKeys.Escape(stateName);

    // Deactivates the grain whose write failed, once its current call is done; the next call activates it again from
    // storage. Only the grain itself is deactivated (a test calling the storage directly has no grain context).
    private void Reload(GrainId grainId, Exception failure)
    {
        if (grainContext?.GrainContext is { } context && context.GrainId == grainId)
        {
            // The reason carries the failure as text only: a reason's exception travels with the calls that reach the
            // activation while it deactivates, and the row store's exceptions are not Orleans-serializable (a call
            // failed with a codec error instead of going to the next activation).
            context.Deactivate(new DeactivationReason(
                DeactivationReasonCode.ApplicationError,
                $"A write of its state to storage '{Name}' failed ({failure.GetType().Name}: {failure.Message}); its next activation reads the stored state."));
        }
    }

    private static T CreateDefault<T>() => Activator.CreateInstance<T>();

    private string PartitionKey(GrainId grainId) => PartitionKeyFor(cluster.ServiceId, grainId);

    private static string RowKey(string stateName) => RowKeyFor(stateName);
}
