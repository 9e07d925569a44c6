using HealingGrains.Abstractions.Keys;

namespace HealingGrains.Abstractions;

/// <summary>
/// Owns the identities of the project's streams.
/// </summary>
public static class HealingStreams
{
    /// <summary>The name under which the stream provider is registered.</summary>
    public const string ProviderName = "diagnostics";

    /// <summary>The namespace of the diagnostics stream; its keys are <c>tenant/deployment</c>.</summary>
    public const string DiagnosticsNamespace = "diagnostics";

    /// <summary>
    /// How many queued batches of one deployment a pulling agent delivers to its classifier at once. A quiet deployment's
    /// batches still arrive one by one; a busy one's queue up behind the delivery in progress and are then processed
    /// together, so the work per fingerprint (one grain call, one state write) is shared by all of them. The in-process and
    /// memory streams only: the durable stream delivers one queued batch per call (see <c>CursorQueueCache</c>).
    /// </summary>
    public const int DeliveryBatchSize = 32;

    /// <summary>The id of one deployment's diagnostics stream.</summary>
    public static StreamId Diagnostics(string tenantId, string deployment) =>
        StreamId.Create(DiagnosticsNamespace, DeploymentKey.Format(tenantId, deployment));
}
