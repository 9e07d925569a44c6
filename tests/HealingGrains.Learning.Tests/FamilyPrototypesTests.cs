using HealingGrains.Learning.Corpus;
using HealingGrains.Learning.Features;
using HealingGrains.Learning.Models;
using Microsoft.ML.Data;

namespace HealingGrains.Learning.Tests;

public sealed class FamilyPrototypesTests
{
    private static readonly int Categories = Enum.GetValues<ErrorCategory>().Length;

    private static VBuffer<float> Sparse(params (int Index, float Value)[] items) =>
        new(8, items.Length, [.. items.Select(i => i.Value)], [.. items.Select(i => i.Index)]);

    private static FeatureVector Vector(params (int Index, float Value)[] items)
    {
        var vector = new FeatureVector(8);
        foreach (var (index, value) in items)
        {
            vector.Add((uint)index, value);
        }

        return vector;
    }

    [Fact]
    public void EachClassGainsTheWeightTimesTheSimilarityOfItsNearestPrototype()
    {
        // Class 0 has two families, one along bucket 0 and one along bucket 1 (each the mean of two messages); class 1
        // has one along bucket 2; class 2 has none.
        var prototypes = FamilyPrototypes.Build("test/1", 8, 2f,
        [
            ("a", 0, Sparse((0, 1f))),
            ("a", 0, Sparse((0, 1f))),
            ("b", 0, Sparse((1, 1f))),
            ("c", 1, Sparse((1, 0.6f), (2, 0.8f))),
        ]);
        Span<float> scores = [10f, 20f, 30f];

        // A message along bucket 1: b is its nearest in class 0 (cosine 1), c in class 1 (cosine 0.6).
        prototypes.AddTo(Vector((1, 1f)), scores);

        Assert.Equal(3, prototypes.Count);
        Assert.Equal(10f + (2f * 1f), scores[0], 0.01f);
        Assert.Equal(20f + (2f * 0.6f), scores[1], 0.01f);
        Assert.Equal(30f, scores[2]);
    }

    [Fact]
    public void WhereTheLinearWeightsAreSilentTheNearestFamilyDecidesAndSoItDoesAfterSavingAndLoading()
    {
        // A linear model of zeros says nothing; only the prototypes can tell a deadlock from a TLS failure.
        var entries = ErrorCorpus.Generate().Where(e => e.Category is ErrorCategory.Database or ErrorCategory.Network).ToList();
        var families = entries.GroupBy(e => e.Family).Take(3).Concat(entries.GroupBy(e => e.Family).Where(g => g.First().Category == ErrorCategory.Network).Take(3)).ToList();
        var rows = families.SelectMany(g => g.Where(e => e.Template > 0)).Select(e =>
        {
            var vector = new FeatureVector(ErrorText.Dimension);
            ErrorText.Extract(ErrorText.Of(e.ExceptionType, e.Message, e.StackTrace), vector);
            return (e.Family, (int)e.Category, vector.ToVBuffer());
        });
        var prototypes = FamilyPrototypes.Build(ErrorText.Featurizer, ErrorText.Dimension, ErrorClassifier.PrototypeWeight, rows);
        var silent = new LinearModel(ErrorText.Featurizer, ErrorText.Dimension, Enum.GetNames<ErrorCategory>(), new float[Categories], new float[Categories * ErrorText.Dimension]);
        var classifier = ErrorClassifier.Of(silent, prototypes);
        var loaded = ErrorClassifier.Load(classifier.Save());

        Assert.Equal(6, loaded.Prototypes?.Count);
        foreach (var e in families.SelectMany(g => g.Where(e => e.Template == 0)))
        {
            Assert.Equal(e.Category, classifier.Classify(e.ExceptionType, e.Message, e.StackTrace));
            Assert.Equal(classifier.Predict(e.ExceptionType, e.Message, e.StackTrace), loaded.Predict(e.ExceptionType, e.Message, e.StackTrace));
        }

        // Without the prototypes the same model cannot tell them apart (every score zero: the first category).
        var without = ErrorClassifier.Of(silent, null);
        Assert.Contains(families.SelectMany(g => g), e => without.Classify(e.ExceptionType, e.Message, e.StackTrace) != e.Category);
    }

    [Fact]
    public void AClassifierSavedByAnEarlierBuildALinearModelAloneStillLoadsAndSavesTheSameBytes()
    {
        var weights = new float[Categories * ErrorText.Dimension];
        var earlier = new LinearModel(ErrorText.Featurizer, ErrorText.Dimension, Enum.GetNames<ErrorCategory>(), new float[Categories], weights).Save();

        var loaded = ErrorClassifier.Load(earlier);

        Assert.Null(loaded.Prototypes);
        Assert.Equal(earlier, loaded.Save());
    }

    [Fact]
    public void DamagedClassifierBytesAreRefusedWithTheReason()
    {
        var model = new LinearModel(ErrorText.Featurizer, ErrorText.Dimension, Enum.GetNames<ErrorCategory>(), new float[Categories], new float[Categories * ErrorText.Dimension]);
        var prototypes = FamilyPrototypes.Build(ErrorText.Featurizer, ErrorText.Dimension, 8f, [("a", 3, new VBuffer<float>(ErrorText.Dimension, 2, [0.6f, 0.8f], [5, 9]))]);
        var bytes = ErrorClassifier.Of(model, prototypes).Save();

        string Reason(byte[] damaged) => Assert.Throws<InvalidDataException>(() => ErrorClassifier.Load(damaged)).Message;

        Assert.Contains("no HGEC or HGLM header", Reason("not a model"u8.ToArray()), StringComparison.Ordinal);
        Assert.Contains("end before", Reason(bytes[..^3]), StringComparison.Ordinal);
        Assert.Contains("followed by other data", Reason([.. bytes, 0]), StringComparison.Ordinal);

        var version = (byte[])bytes.Clone();
        version[4] = 2;
        Assert.Contains("format 2", Reason(version), StringComparison.Ordinal);

        var length = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(length.AsSpan(8), bytes.Length);
        Assert.Contains("truncated", Reason(length), StringComparison.Ordinal);

        Assert.Contains("end before its header", Reason([.. bytes[..6]]), StringComparison.Ordinal);

        // The prototype's class (3, written as the four bytes before its bucket count) set past the last category.
        var prototypeStart = bytes.Length - (2 * (sizeof(ushort) + 2)) - sizeof(int) - sizeof(int);
        var @class = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(@class.AsSpan(prototypeStart), Categories);
        Assert.Contains("out of range", Reason(@class), StringComparison.Ordinal);

        // The second bucket (9) set before the first (5).
        var order = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(order.AsSpan(bytes.Length - sizeof(ushort) - 2), (ushort)4);
        Assert.Contains("out of order", Reason(order), StringComparison.Ordinal);
    }
}
