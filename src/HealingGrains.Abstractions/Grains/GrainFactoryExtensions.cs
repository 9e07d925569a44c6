using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace HealingGrains.Abstractions.Grains;

/// <summary>
/// Grain references on the hot paths, made once and reused. Orleans' <c>GetGrain&lt;T&gt;(string)</c> resolves the
/// interface's type from its attributes and builds a new proxy (with its copiers, through dependency injection) on
/// every call: under ingest that was about a tenth of the host's CPU, for references that are immutable and the same
/// every time. References belong to the runtime that made them, so each grain factory has its own cache.
/// </summary>
public static class GrainFactoryExtensions
{
    /// <summary>References kept per factory and interface; past this many, the cache starts again empty.</summary>
    public const int MaxCached = 16_384;

    /// <summary>The reference to the <typeparamref name="T"/> grain keyed <paramref name="key"/>.</summary>
    public static T Grain<T>(this IGrainFactory grains, string key)
        where T : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(key);
        var references = References<T>.ByFactory.GetValue(grains, _ => new ConcurrentDictionary<string, T>(StringComparer.Ordinal));
        if (references.TryGetValue(key, out var reference))
        {
            return reference;
        }

        if (references.Count >= MaxCached)
        {
            references.Clear();
        }

        reference = grains.GetGrain<T>(key);
        references.TryAdd(key, reference);
        return reference;
    }

    private static class References<T>
    {
        public static readonly ConditionalWeakTable<IGrainFactory, ConcurrentDictionary<string, T>> ByFactory = new();
    }
}
