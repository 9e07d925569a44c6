namespace HealingGrains.Core.Detection;

/// <summary>
/// How rare a non-negative surprise score is among the last scores seen: the share of the last <c>capacity</c> scores at
/// least as high (with one pseudo-score, so never zero), and beyond the highest of them an exponential tail scaled by
/// how far the highest stood above the median. Scores are counted in 1,024 logarithmic bins (each 1.1% wide) held in a
/// Fenwick tree, so learning and asking both take a few dozen operations whatever the capacity.
/// </summary>
public sealed class TailProbability
{
    private const int Bins = 1024;
    private const double BinsPerDoubling = 64;

    private readonly int[] _ring;
    private readonly int[] _tree = new int[Bins + 1];
    private int _count;
    private int _next;

    /// <summary>A tail over the last <paramref name="capacity"/> scores.</summary>
    public TailProbability(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _ring = new int[capacity];
    }

    /// <summary>Scores learned (at most the capacity are remembered).</summary>
    public int Count => _count;

    /// <summary>P(score ≥ <paramref name="score"/>) among the scores remembered (scores in the same bin count as equal).</summary>
    public double Of(double score)
    {
        if (_count == 0)
        {
            return 1;
        }

        var bin = Bin(score);
        var above = _count - Prefix(bin - 1);
        if (above > 0)
        {
            return (above + 1.0) / (_count + 1);
        }

        // Beyond the highest: the further, the rarer, on the scale of the upper half's spread.
        var highest = Value(Select(_count));
        var median = Value(Select((_count + 1) / 2));
        var scale = Math.Max(highest - median, 1e-9);
        return Math.Exp(-(score - highest) / scale) / (_count + 1);
    }

    /// <summary>Learns a score, forgetting the oldest when full.</summary>
    public void Learn(double score)
    {
        if (_count == _ring.Length)
        {
            Add(_ring[_next], -1);
            _count--;
        }

        var bin = Bin(score);
        _ring[_next] = bin;
        _next = (_next + 1) % _ring.Length;
        Add(bin, 1);
        _count++;
    }

    private static int Bin(double score) =>
        score <= 0 || double.IsNaN(score) ? 0 : (int)Math.Min(Bins - 1, Math.Log2(1 + score) * BinsPerDoubling);

    // The lower edge of a bin.
    private static double Value(int bin) => Math.Pow(2, bin / BinsPerDoubling) - 1;

    private void Add(int bin, int delta)
    {
        for (var i = bin + 1; i <= Bins; i += i & -i)
        {
            _tree[i] += delta;
        }
    }

    // Scores in bins 0 … bin.
    private int Prefix(int bin)
    {
        var sum = 0;
        for (var i = bin + 1; i > 0; i -= i & -i)
        {
            sum += _tree[i];
        }

        return sum;
    }

    // The bin of the k-th smallest score (k from 1).
    private int Select(int k)
    {
        var position = 0;
        for (var step = Bins; step > 0; step >>= 1)
        {
            var next = position + step;
            if (next <= Bins && _tree[next] < k)
            {
                position = next;
                k -= _tree[next];
            }
        }

        return position;
    }
}
