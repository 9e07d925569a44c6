namespace HealingGrains.Core.Federation;

/// <summary>
/// The action kinds whose outcomes federation shares: the common vocabulary of remedies. A deployment may name any
/// capability it likes (<c>restart-acme-billing</c>), and such a name is the tenant's own text, so outcomes of kinds
/// outside this list stay with the tenant.
/// </summary>
public static class FederatedKinds
{
    /// <summary>The shared kinds, in ordinal order.</summary>
    public static IReadOnlyList<string> All { get; } = ["clear-cache", "failover", "restart", "rollback-version", "scale-out", "shed-load"];

    /// <summary>Whether outcomes of <paramref name="kind"/> may leave a tenant.</summary>
    public static bool IsShared(string? kind) => kind is not null && All.Contains(kind, StringComparer.Ordinal);
}
