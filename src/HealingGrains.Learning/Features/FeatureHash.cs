namespace HealingGrains.Learning.Features;

/// <summary>
/// FNV-1a over UTF-16 code units, lower-cased on the fly: stable across processes and machines (unlike
/// <see cref="string.GetHashCode()"/>), so that a saved model means the same features everywhere.
/// </summary>
public static class FeatureHash
{
    private const uint Prime = 16777619;
    private const uint Basis = 2166136261;

    /// <summary>The hash of <paramref name="text"/>, case-insensitive (invariant), in the space of <paramref name="seed"/>.</summary>
    public static uint Of(ReadOnlySpan<char> text, uint seed)
    {
        var hash = Start(seed);
        foreach (var c in text)
        {
            hash = Step(hash, c);
        }

        return Finish(hash);
    }

    /// <summary>
    /// The running state before the first character: <c>Finish(Step(…Step(Start(seed), c₁)…, cₙ))</c> is
    /// <see cref="Of(ReadOnlySpan{char}, uint)"/> of c₁…cₙ, so the hashes of all a word's prefixes take one pass.
    /// </summary>
    internal static uint Start(uint seed) => Basis ^ (seed * Prime);

    /// <summary>The running state after one more character.</summary>
    internal static uint Step(uint state, char c) => (state ^ Lower(c)) * Prime;

    /// <summary>The same as <see cref="Of(ReadOnlySpan{char}, uint)"/> for three characters, without a span.</summary>
    public static uint Of(char first, char second, char third, uint seed)
    {
        var hash = Basis ^ (seed * Prime);
        hash = (hash ^ Lower(first)) * Prime;
        hash = (hash ^ Lower(second)) * Prime;
        hash = (hash ^ Lower(third)) * Prime;
        return Finish(hash);
    }

    // char.ToLowerInvariant, with the ASCII letters done inline.
    private static char Lower(char c) => c < 128 ? (c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c) : char.ToLowerInvariant(c);

    /// <summary>A hash of two hashes (an ordered pair: a bigram, a feature crossed with another).</summary>
    public static uint Combine(uint first, uint second) => Finish(((first * Prime) ^ second) * Prime);

    // FNV's low bits mix poorly; buckets are the low bits. A murmur-style finaliser spreads every input bit.
    internal static uint Finish(uint h)
    {
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }
}
