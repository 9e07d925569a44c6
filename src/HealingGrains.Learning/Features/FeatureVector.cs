using Microsoft.ML.Data;

namespace HealingGrains.Learning.Features;

/// <summary>
/// A sparse feature vector built by hashing: features are added by hash into a power-of-two number of buckets, and
/// only the buckets touched are visited afterwards. Reusable (<see cref="Clear"/>), not thread-safe.
/// </summary>
public sealed class FeatureVector
{
    private readonly float[] _values;
    private readonly bool[] _touched;
    private readonly int[] _indices;
    private int _count;

    /// <summary>A vector of <paramref name="dimension"/> buckets, a power of two.</summary>
    public FeatureVector(int dimension)
    {
        if (dimension < 2 || (dimension & (dimension - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The dimension must be a power of two.");
        }

        Dimension = dimension;
        _values = new float[dimension];
        _touched = new bool[dimension];
        _indices = new int[dimension];
    }

    /// <summary>The number of buckets.</summary>
    public int Dimension { get; }

    /// <summary>The buckets touched, in the order they were first touched.</summary>
    public ReadOnlySpan<int> Indices => _indices.AsSpan(0, _count);

    /// <summary>The value of one bucket.</summary>
    public float this[int index] => _values[index];

    /// <summary>Adds <paramref name="value"/> to the bucket of <paramref name="hash"/>.</summary>
    public void Add(uint hash, float value = 1f)
    {
        var index = (int)(hash & (uint)(Dimension - 1));
        if (!_touched[index])
        {
            _touched[index] = true;
            _indices[_count++] = index;
        }

        _values[index] += value;
    }

    /// <summary>Scales the vector to unit Euclidean length (a vector of zeros stays zero).</summary>
    public void NormalizeL2()
    {
        var sum = 0f;
        foreach (var i in Indices)
        {
            sum += _values[i] * _values[i];
        }

        if (sum <= 0)
        {
            return;
        }

        var scale = 1f / MathF.Sqrt(sum);
        foreach (var i in Indices)
        {
            _values[i] *= scale;
        }
    }

    /// <summary>Empties the vector for reuse.</summary>
    public void Clear()
    {
        foreach (var i in Indices)
        {
            _values[i] = 0;
            _touched[i] = false;
        }

        _count = 0;
    }

    /// <summary>A copy as ML.NET's sparse vector, indices ascending.</summary>
    public VBuffer<float> ToVBuffer()
    {
        var indices = Indices.ToArray();
        Array.Sort(indices);
        var values = new float[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            values[i] = _values[indices[i]];
        }

        return new VBuffer<float>(Dimension, indices.Length, values, indices);
    }
}
