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

    /// <summary>The id of one deployment's diagnostics stream.</summary>
    public static StreamId Diagnostics(string tenantId, string deployment) =>
        StreamId.Create(DiagnosticsNamespace, DeploymentKey.Format(tenantId, deployment));
}
