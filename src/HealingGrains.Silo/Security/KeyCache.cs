using System.Collections.Concurrent;
using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Silo.Security;

/// <summary>
/// Keys this host authenticated lately, by hash, for <see cref="Lifetime"/>: asking the tenant grain for every request
/// was about a seventh of the host's CPU under ingest. Only keys the tenant accepted are kept (an unknown key is always
/// asked about). It runs on the machine's clock, not the host's <see cref="TimeProvider"/>: it is a cache, not a rule. A rotation through this host forgets every entry at once; on another host of the cluster an old key
/// keeps working for at most <see cref="Lifetime"/> after the rotation.
/// </summary>
public sealed class KeyCache
{
    /// <summary>How long an accepted key is believed without asking its tenant again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    /// <summary>Entries kept at most; past this many the cache starts again empty.</summary>
    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, (string TenantId, ApiKeyKind Kind, long Until)> _keys = new(StringComparer.Ordinal);

    /// <summary>The kind of the key with this hash, if the tenant accepted it less than <see cref="Lifetime"/> ago.</summary>
    public ApiKeyKind? Find(string tenantId, string keyHash) =>
        _keys.TryGetValue(keyHash, out var entry) && entry.TenantId == tenantId && entry.Until > Environment.TickCount64
            ? entry.Kind
            : null;

    /// <summary>Remembers that the tenant accepted the key with this hash as <paramref name="kind"/>.</summary>
    public void Accepted(string tenantId, string keyHash, ApiKeyKind kind)
    {
        if (_keys.Count >= MaxEntries)
        {
            _keys.Clear();
        }

        _keys[keyHash] = (tenantId, kind, Environment.TickCount64 + (long)Lifetime.TotalMilliseconds);
    }

    /// <summary>Forgets every key: a tenant's keys changed.</summary>
    public void Clear() => _keys.Clear();
}
