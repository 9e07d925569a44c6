using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using HealingGrains.Learning.Features;
using Microsoft.ML.Data;

namespace HealingGrains.Learning.Models;

/// <summary>
/// One prototype per message family (one kind of software's one kind of failure): the normalised mean of its messages'
/// feature vectors. A category's linear weights must cover twenty unlike families at once; a family's prototype
/// covers one, so a new phrasing that shares most of its words with one family's messages is recognised even when
/// the category's weights, pulled towards its other families, miss it. The classifier adds, to each category's
/// score, <see cref="Weight"/> times the cosine similarity of the message to the nearest prototype of that category.
/// </summary>
/// <remarks>
/// Scoring visits only the buckets the message touches: those most prototypes share as dense rows, a vector of
/// prototypes at a time, the others through a list per bucket of the prototypes that have it. Format (little-endian): the ASCII magic <c>HGFP</c>, format version 1, the
/// featurizer's name, the dimension, the weight, the number of prototypes, then per prototype its family's name, its
/// class index, its number of buckets and each bucket as a 16-bit index and a 16-bit (half-precision) weight.
/// </remarks>
public sealed class FamilyPrototypes
{
    private static readonly ModelHeader Header = new("HGFP", 1, "family prototypes");

    private readonly Prototype[] _prototypes;

    // The prototypes are held in class order; each class's are one run of them.
    private readonly (int Class, int Start, int End)[] _classes;

    // Buckets most prototypes share (common words and trigrams) are scored as dense rows, a vector operation per few
    // prototypes; the rest, each in a few prototypes, through a list per bucket. _dense holds the rows, each _width
    // (the prototypes, padded to whole vectors) long; _entries the lists, each entry a prototype and its weight.
    private readonly int _width;
    private readonly float[] _dense;
    private readonly Entry[] _entries;

    // Per bucket, where its weights are, read with one load: a dense row (Count −1, Start the row's first vector) or a
    // list (Start … Start + Count in _entries; none for a bucket no prototype has).
    private readonly Bucket[] _buckets;

    // The length of the longest prototype (1 for prototypes as built; a saved model's half-precision weights may
    // make it a little more).
    private readonly float _longest;

    private FamilyPrototypes(string featurizer, int dimension, float weight, Prototype[] prototypes)
    {
        Featurizer = featurizer;
        Dimension = dimension;
        Weight = weight;
        _prototypes = [.. prototypes.OrderBy(p => p.Class)];
        _classes = [.. _prototypes.Select((p, i) => (p.Class, i)).GroupBy(p => p.Class).Select(g => (g.Key, g.First().i, g.Last().i + 1))];
        _width = Math.Max(1, (prototypes.Length + Vector<float>.Count - 1) / Vector<float>.Count) * Vector<float>.Count;
        _longest = _prototypes.Select(p => MathF.Sqrt(p.Weights.Sum(w => (float)w * (float)w))).DefaultIfEmpty().Max();

        var shared = new int[dimension];
        foreach (var p in _prototypes)
        {
            foreach (var b in p.Buckets)
            {
                shared[b]++;
            }
        }

        // A dense row costs _width / Vector<float>.Count vector operations; a list entry about as much as one.
        var denseFrom = Math.Max(2, _width / Vector<float>.Count);
        var vectorsPerRow = _width / Vector<float>.Count;
        _buckets = new Bucket[dimension];
        var (rows, entries) = (0, 0);
        for (var b = 0; b < dimension; b++)
        {
            _buckets[b] = shared[b] >= denseFrom ? new Bucket(rows++ * vectorsPerRow, -1) : new Bucket(entries, shared[b]);
            entries += _buckets[b].Count < 0 ? 0 : shared[b];
        }

        _dense = new float[rows * _width];
        _entries = new Entry[entries];
        var filled = new int[dimension];
        for (var i = 0; i < _prototypes.Length; i++)
        {
            var p = _prototypes[i];
            for (var k = 0; k < p.Buckets.Length; k++)
            {
                var bucket = _buckets[p.Buckets[k]];
                if (bucket.Count < 0)
                {
                    _dense[(bucket.Start * Vector<float>.Count) + i] = (float)p.Weights[k];
                    continue;
                }

                _entries[bucket.Start + filled[p.Buckets[k]]++] = new Entry(i, (float)p.Weights[k]);
            }
        }
    }

    /// <summary>The most prototypes a model holds (their index is 16-bit).</summary>
    public const int MaxPrototypes = ushort.MaxValue;

    /// <summary>The name and version of the features the prototypes belong to.</summary>
    public string Featurizer { get; }

    /// <summary>The number of buckets.</summary>
    public int Dimension { get; }

    /// <summary>How much the nearest prototype's similarity (0 … 1) adds to its class's score.</summary>
    public float Weight { get; }

    /// <summary>The number of prototypes.</summary>
    public int Count => _prototypes.Length;

    /// <summary>
    /// Builds one prototype per group: the mean of the group's unit-length vectors, scaled to unit length, its weights
    /// stored at half precision.
    /// </summary>
    internal static FamilyPrototypes Build(string featurizer, int dimension, float weight, IEnumerable<(string Family, int Class, VBuffer<float> Features)> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var sums = new Dictionary<(string Family, int Class), Dictionary<int, double>>();
        foreach (var (family, @class, features) in groups)
        {
            if (features.Length != dimension)
            {
                throw new ArgumentException($"A vector has {features.Length} buckets, not {dimension}.", nameof(groups));
            }

            if (!sums.TryGetValue((family, @class), out var sum))
            {
                sums[(family, @class)] = sum = [];
            }

            foreach (var (i, value) in features.Items())
            {
                sum[i] = sum.GetValueOrDefault(i) + value;
            }
        }

        if (sums.Count > MaxPrototypes)
        {
            throw new ArgumentException($"{sums.Count} families are more than the {MaxPrototypes} a model holds.", nameof(groups));
        }

        var prototypes = sums
            .OrderBy(s => s.Key.Class).ThenBy(s => s.Key.Family, StringComparer.Ordinal)
            .Select(s =>
            {
                var length = Math.Sqrt(s.Value.Values.Sum(v => v * v));
                var buckets = s.Value.Keys.Order().ToArray();
                var weights = buckets.Select(b => (Half)(length == 0 ? 0 : s.Value[b] / length)).ToArray();
                return new Prototype(s.Key.Family, s.Key.Class, [.. buckets.Select(b => (ushort)b)], weights);
            })
            .ToArray();
        return new FamilyPrototypes(featurizer, dimension, weight, prototypes);
    }

    /// <summary>
    /// The most <see cref="AddTo"/> can add to any class's score for <paramref name="features"/>: a similarity is at
    /// most the product of the two vectors' lengths (with a margin for rounding), and it adds nothing below 0.
    /// </summary>
    public float MostAdded(FeatureVector features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var squares = 0f;
        foreach (var i in features.Indices)
        {
            squares += features[i] * features[i];
        }

        return (Weight * _longest * MathF.Sqrt(squares) * 1.001f) + 1e-4f;
    }

    /// <summary>
    /// Adds, to each class's score, <see cref="Weight"/> times the message's cosine similarity to the nearest
    /// prototype of that class (the message's vector is of unit length).
    /// </summary>
    public void AddTo(FeatureVector features, Span<float> scores)
    {
        ArgumentNullException.ThrowIfNull(features);
        var similarity = _width <= 1024 ? stackalloc float[_width] : new float[_width];
        similarity.Clear();

        // The rare buckets through their lists; the dense rows are gathered and summed afterwards.
        var indices = features.Indices;
        var rows = indices.Length < 512 ? stackalloc int[indices.Length + 1] : new int[indices.Length + 1];
        var values = indices.Length < 512 ? stackalloc float[indices.Length + 1] : new float[indices.Length + 1];
        var count = 0;
        foreach (var i in indices)
        {
            var value = features[i];
            var bucket = _buckets[i];
            if (bucket.Count < 0)
            {
                rows[count] = bucket.Start;
                values[count++] = value;
                continue;
            }

            foreach (var entry in _entries.AsSpan(bucket.Start, bucket.Count))
            {
                similarity[entry.Owner] += entry.Weight * value;
            }
        }

        // A block of prototypes at a time, summed over the message's dense rows in registers, two rows at a time into
        // separate sums so that each addition need not wait for the one before: each row's weights are read once per
        // block and the sums are not written back until the block is done. An odd row is paired with a row of weight 0.
        if (count % 2 == 1)
        {
            (rows[count], values[count]) = (rows[0], 0f);
            count++;
        }

        var sums = MemoryMarshal.Cast<float, Vector<float>>(similarity);
        var dense = MemoryMarshal.Cast<float, Vector<float>>(_dense.AsSpan());
        var v = 0;
        for (; v + 3 < sums.Length; v += 4)
        {
            var (a, b, c, d) = (sums[v], sums[v + 1], sums[v + 2], sums[v + 3]);
            var (e, f, g, h) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
            for (var r = 0; r < count; r += 2)
            {
                var first = dense.Slice(rows[r] + v, 4);
                var second = dense.Slice(rows[r + 1] + v, 4);
                var (x, y) = (new Vector<float>(values[r]), new Vector<float>(values[r + 1]));
                a = Vector.FusedMultiplyAdd(first[0], x, a);
                b = Vector.FusedMultiplyAdd(first[1], x, b);
                c = Vector.FusedMultiplyAdd(first[2], x, c);
                d = Vector.FusedMultiplyAdd(first[3], x, d);
                e = Vector.FusedMultiplyAdd(second[0], y, e);
                f = Vector.FusedMultiplyAdd(second[1], y, f);
                g = Vector.FusedMultiplyAdd(second[2], y, g);
                h = Vector.FusedMultiplyAdd(second[3], y, h);
            }

            (sums[v], sums[v + 1], sums[v + 2], sums[v + 3]) = (a + e, b + f, c + g, d + h);
        }

        for (; v < sums.Length; v++)
        {
            var sum = sums[v];
            for (var r = 0; r < count; r++)
            {
                sum = Vector.FusedMultiplyAdd(dense[rows[r] + v], new Vector<float>(values[r]), sum);
            }

            sums[v] = sum;
        }

        // A class's nearest similarity counts from 0, as MostAdded has it: a class with no prototype near gains nothing.
        foreach (var (c, start, end) in _classes)
        {
            var nearest = 0f;
            foreach (var s in similarity[start..end])
            {
                nearest = s > nearest ? s : nearest;
            }

            scores[c] += Weight * nearest;
        }
    }

    /// <summary>The prototypes in the format described above.</summary>
    public byte[] Save()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            Header.Write(writer, Featurizer);
            writer.Write(Dimension);
            writer.Write(Weight);
            writer.Write(_prototypes.Length);
            foreach (var p in _prototypes)
            {
                writer.Write(p.Family);
                writer.Write(p.Class);
                writer.Write(p.Buckets.Length);
                for (var k = 0; k < p.Buckets.Length; k++)
                {
                    writer.Write(p.Buckets[k]);
                    writer.Write(p.Weights[k]);
                }
            }
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Reads prototypes for <paramref name="classes"/> classes; throws <see cref="InvalidDataException"/> with the
    /// reason when the bytes are not prototypes for <paramref name="featurizer"/> and <paramref name="dimension"/>.
    /// </summary>
    public static FamilyPrototypes Load(ReadOnlySpan<byte> bytes, string featurizer, int dimension, int classes)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes.ToArray(), writable: false), Encoding.UTF8);
            Header.Read(reader, featurizer);
            var storedDimension = reader.ReadInt32();
            if (storedDimension != dimension || dimension > ushort.MaxValue + 1)
            {
                throw new InvalidDataException($"The prototypes have {storedDimension} buckets; the model has {dimension}.");
            }

            var weight = reader.ReadSingle();
            var count = reader.ReadInt32();
            if (!float.IsFinite(weight) || weight < 0 || count is < 0 or > MaxPrototypes)
            {
                throw new InvalidDataException($"A weight of {weight} and {count} prototypes are out of range.");
            }

            var prototypes = new Prototype[count];
            for (var p = 0; p < count; p++)
            {
                var family = reader.ReadString();
                var @class = reader.ReadInt32();
                var length = reader.ReadInt32();
                if (@class < 0 || @class >= classes || length < 0 || length > dimension)
                {
                    throw new InvalidDataException($"Prototype '{family}' has class {@class} and {length} buckets, out of range.");
                }

                var buckets = new ushort[length];
                var weights = new Half[length];
                for (var k = 0; k < length; k++)
                {
                    buckets[k] = reader.ReadUInt16();
                    weights[k] = reader.ReadHalf();
                    if (buckets[k] >= dimension || !Half.IsFinite(weights[k]) || (k > 0 && buckets[k] <= buckets[k - 1]))
                    {
                        throw new InvalidDataException($"Prototype '{family}' has a bucket out of range, out of order or with a weight that is not a finite number.");
                    }
                }

                prototypes[p] = new Prototype(family, @class, buckets, weights);
            }

            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                throw new InvalidDataException("The prototypes are followed by other data.");
            }

            return new FamilyPrototypes(featurizer, dimension, weight, prototypes);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("The prototypes' bytes end before the prototypes do.");
        }
    }

    private readonly record struct Entry(int Owner, float Weight);

    private readonly record struct Bucket(int Start, int Count);

    private sealed record Prototype(string Family, int Class, ushort[] Buckets, Half[] Weights);
}
