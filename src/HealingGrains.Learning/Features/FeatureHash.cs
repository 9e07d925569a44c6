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
        var hash = Basis ^ (seed * Prime);
        foreach (var c in text)
        {
            hash = (hash ^ Lower(c)) * Prime;
        }

        return Finish(hash);
    }

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
    private static uint Finish(uint h)
    {
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }
}
