namespace HealingGrains.Abstractions.Grains;

/// <summary>
/// Grain references on the hot paths without Orleans' per-call type resolution. <c>GetGrain&lt;T&gt;(string)</c> resolves
/// the interface's <see cref="GrainInterfaceType"/> from its attributes on every call (about 3% of the host's CPU under
/// ingest); a grain interface's grain type and interface type never change in a process, so they are taken
/// from the first reference and reused.
/// </summary>
public static class GrainFactoryExtensions
{
    /// <summary>The reference to the <typeparamref name="T"/> grain keyed <paramref name="key"/>.</summary>
    public static T Grain<T>(this IGrainFactory grains, string key)
        where T : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(grains);
        if (Types<T>.Resolved is not { } types)
        {
            var first = grains.GetGrain<T>(key);
            Types<T>.Resolved = new ResolvedTypes(first.GetGrainId().Type, ((GrainReference)(object)first).InterfaceType);
            return first;
        }

        return (T)grains.GetGrain(GrainId.Create(types.Type, key), types.Interface);
    }

    // A reference, so that a thread sees both types or neither.
    private sealed record ResolvedTypes(GrainType Type, GrainInterfaceType Interface);

    private static class Types<T>
    {
        public static ResolvedTypes? Resolved;
    }
}
