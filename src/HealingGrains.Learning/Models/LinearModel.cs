using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using HealingGrains.Learning.Features;

namespace HealingGrains.Learning.Models;

/// <summary>
/// The weights of a linear model trained by ML.NET, in the project's own small format, so that scoring is a dot
/// product over the few buckets a vector touches (no ML.NET pipeline on the hot path). One class: a logistic
/// probability; several: a softmax over the classes.
/// </summary>
/// <remarks>
/// Format (little-endian): the ASCII magic <c>HGLM</c>, format version 1, the featurizer's name (which features the
/// weights belong to), the dimension, the number of classes, each class name, one bias per class, then the weights
/// bucket by bucket (all classes of bucket 0, then bucket 1, …).
/// </remarks>
public sealed class LinearModel
{
    private static readonly ModelHeader Header = new("HGLM", 1, "a HealingGrains linear model");

    private readonly float[] _bias;

    // The weights bucket by bucket, each bucket's padded to _stride floats: for several classes a whole number of
    // vectors (11 classes: 16), so that scoring adds a bucket's weights to all classes' scores in two vector operations
    // instead of eleven; for one class, one float.
    private readonly float[] _weights;
    private readonly int _stride;

    internal LinearModel(string featurizer, int dimension, IReadOnlyList<string> classes, float[] bias, float[] weights)
    {
        if (bias.Length != classes.Count || weights.Length != dimension * classes.Count)
        {
            throw new ArgumentException("The weights do not match the dimension and classes.");
        }

        Featurizer = featurizer;
        Dimension = dimension;
        Classes = classes;
        _bias = bias;
        _stride = classes.Count == 1 ? 1 : (classes.Count + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;
        _weights = _stride == classes.Count ? weights : new float[dimension * _stride];
        if (_weights != weights)
        {
            for (var i = 0; i < dimension; i++)
            {
                weights.AsSpan(i * classes.Count, classes.Count).CopyTo(_weights.AsSpan(i * _stride));
            }
        }
    }

    /// <summary>The name and version of the features the weights belong to.</summary>
    public string Featurizer { get; }

    /// <summary>The number of hashed buckets.</summary>
    public int Dimension { get; }

    /// <summary>The classes, in score order.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Writes one raw score (w·x + b) per class into <paramref name="scores"/>.</summary>
    public void Score(FeatureVector features, Span<float> scores)
    {
        ArgumentNullException.ThrowIfNull(features);
        var classes = _bias.Length;
        if (_stride >= Vector<float>.Count)
        {
            Span<float> padded = stackalloc float[_stride];
            padded.Clear();
            _bias.CopyTo(padded);
            var sums = MemoryMarshal.Cast<float, Vector<float>>(padded);
            var weights = MemoryMarshal.Cast<float, Vector<float>>(_weights.AsSpan());
            var perBucket = sums.Length;
            foreach (var i in features.Indices)
            {
                var value = new Vector<float>(features[i]);
                var row = weights.Slice(i * perBucket, perBucket);
                for (var v = 0; v < perBucket; v++)
                {
                    // Multiplied, then added, as the scalar loop below: the same scores to the last bit.
                    sums[v] += row[v] * value;
                }
            }

            padded[..classes].CopyTo(scores);
            return;
        }

        _bias.CopyTo(scores);
        foreach (var i in features.Indices)
        {
            var value = features[i];
            var row = _weights.AsSpan(i * _stride, classes);
            for (var c = 0; c < classes; c++)
            {
                scores[c] += row[c] * value;
            }
        }
    }

    /// <summary>The logistic probability of a one-class model.</summary>
    public double Probability(FeatureVector features)
    {
        Span<float> score = stackalloc float[1];
        Score(features, score);
        return 1 / (1 + Math.Exp(-score[0]));
    }

    /// <summary>The most likely class and its softmax probability.</summary>
    public (int Class, double Probability) Best(FeatureVector features)
    {
        Span<float> scores = stackalloc float[Classes.Count];
        Score(features, scores);
        return Best(scores);
    }

    /// <summary>The class of the highest score and its softmax probability.</summary>
    public static (int Class, double Probability) Best(ReadOnlySpan<float> scores)
    {
        var best = Leader(scores).Class;
        var sum = 0.0;
        foreach (var s in scores)
        {
            sum += Math.Exp(s - scores[best]);
        }

        return (best, 1 / sum);
    }

    /// <summary>The class of the highest score (the first of equal ones) and how far it is above the next.</summary>
    internal static (int Class, float Lead) Leader(ReadOnlySpan<float> scores)
    {
        var (best, first, second) = (0, float.NegativeInfinity, float.NegativeInfinity);
        for (var c = 0; c < scores.Length; c++)
        {
            (best, first, second) = scores[c] > first ? (c, scores[c], first) : (best, first, MathF.Max(second, scores[c]));
        }

        return (best, first - second);
    }

    /// <summary>The model in the format described above.</summary>
    public byte[] Save()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            Header.Write(writer, Featurizer);
            writer.Write(Dimension);
            writer.Write(Classes.Count);
            foreach (var c in Classes)
            {
                writer.Write(c);
            }

            foreach (var b in _bias)
            {
                writer.Write(b);
            }

            for (var i = 0; i < Dimension; i++)
            {
                foreach (var w in _weights.AsSpan(i * _stride, Classes.Count))
                {
                    writer.Write(w);
                }
            }
        }

        return stream.ToArray();
    }

    /// <summary>Reads a model; throws <see cref="InvalidDataException"/> with the reason when the bytes are not one for <paramref name="featurizer"/>.</summary>
    public static LinearModel Load(byte[] bytes, string featurizer)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
            Header.Read(reader, featurizer);
            var dimension = reader.ReadInt32();
            var classes = reader.ReadInt32();
            if (dimension is < 2 or > 1 << 20 || (dimension & (dimension - 1)) != 0 || classes is < 1 or > 64)
            {
                throw new InvalidDataException($"A dimension of {dimension} and {classes} classes are out of range.");
            }

            var names = new string[classes];
            for (var c = 0; c < classes; c++)
            {
                names[c] = reader.ReadString();
            }

            var bias = new float[classes];
            for (var c = 0; c < classes; c++)
            {
                bias[c] = reader.ReadSingle();
            }

            if (reader.BaseStream.Length - reader.BaseStream.Position != (long)dimension * classes * sizeof(float))
            {
                throw new InvalidDataException("The model's weights are truncated or followed by other data.");
            }

            var weights = new float[dimension * classes];
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] = reader.ReadSingle();
            }

            if (!bias.All(float.IsFinite) || !weights.All(float.IsFinite))
            {
                throw new InvalidDataException("The model holds weights that are not finite numbers.");
            }

            return new LinearModel(featurizer, dimension, names, bias, weights);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("The model's bytes end before the model does.");
        }
    }
}
