namespace HealingGrains.Core.Detection;

/// <summary>
/// Novelty of short shapes. Each point arrives quantised into one of a few levels; the contexts ending at it (the last
/// level, the last two, … the last <c>length</c>) are looked up in a table of when each was last seen, every possible
/// context having its own entry (levels + levels² + … + levels^length of them, no hashing). A context not seen within
/// the last <c>age</c> points (or never) is new, and the shorter the new context the stranger the point: a pair of
/// levels never seen in a row is rarer news than a new run of four. Bounded memory (the table), constant time per point.
/// </summary>
public sealed class SubsequenceNovelty
{
    private const int MaxContexts = 1 << 16;

    private readonly int _levels;
    private readonly int[] _recent;
    private readonly long[] _seen;
    private readonly long _age;
    private long _count;

    /// <summary>Contexts of up to <paramref name="length"/> points quantised into <paramref name="levels"/> levels, forgotten after <paramref name="age"/> points unseen.</summary>
    public SubsequenceNovelty(int levels, int length, long age)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(age, 1);
        long contexts = 0;
        long power = 1;
        for (var k = 1; k <= length; k++)
        {
            power *= levels;
            contexts += power;
            if (contexts > MaxContexts)
            {
                throw new ArgumentOutOfRangeException(nameof(length), $"{levels} levels and contexts of {length} points need more than {MaxContexts} entries.");
            }
        }

        _levels = levels;
        _recent = new int[length];
        _seen = new long[contexts];
        _age = age;
    }

    /// <summary>The most points a context spans.</summary>
    public int Length => _recent.Length;

    /// <summary>Points learned.</summary>
    public long Count => _count;

    /// <summary>
    /// Learns the next point's level (0 … levels − 1) and returns the length of the shortest context ending with it that
    /// is new (0: none is). Contexts longer than the points seen so far are not looked at.
    /// </summary>
    public int Learn(int level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(level, _levels);
        var length = _recent.Length;
        _recent[(int)(_count % length)] = level;
        _count++;

        // The context of the last k levels is entry offset(k) + (the levels, newest first, as a number in base `levels`).
        var filled = (int)Math.Min(_count, length);
        var shortest = 0;
        long offset = 0;
        long power = 1;
        long code = 0;
        for (var k = 1; k <= filled; k++)
        {
            code += power * _recent[(int)((_count - k) % length)];
            power *= _levels;
            var entry = offset + code;
            offset += power;

            // Stored as the point's number (from 1), so 0 is "never".
            var last = _seen[entry];
            if (shortest == 0 && (last == 0 || _count - last > _age))
            {
                shortest = k;
            }

            _seen[entry] = _count;
        }

        return shortest;
    }
}
