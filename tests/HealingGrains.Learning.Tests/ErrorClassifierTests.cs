using HealingGrains.Core.Fingerprinting;
using HealingGrains.Learning.Corpus;
using HealingGrains.Learning.Features;
using HealingGrains.Learning.Models;

namespace HealingGrains.Learning.Tests;

public sealed class ErrorClassifierTests(ITestOutputHelper output)
{
    private static readonly int Categories = Enum.GetValues<ErrorCategory>().Length;

    private static readonly Lazy<ErrorClassifier> Trained = new(() => ErrorClassifier.Train(ErrorCorpus.Split().Train));

    // The held-out split: each family's last template, a phrasing the classifier never saw.
    [Fact]
    public void OnPhrasingsItNeverSawTheClassifierKeepsItsMacroF1AndStaysUnderTheSizeCap()
    {
        var (train, heldOut) = ErrorCorpus.Split();
        Assert.Empty(train.Select(e => (e.Family, e.Template)).Intersect(heldOut.Select(e => (e.Family, e.Template))));

        var metrics = Trained.Value.Evaluate(heldOut);

        foreach (var (category, m) in metrics.PerCategory)
        {
            output.WriteLine($"{category,-20} P {m.Precision:F2}  R {m.Recall:F2}  F1 {m.F1:F2}  n {m.Support}");
        }

        var bytes = Trained.Value.Save();
        output.WriteLine($"macro-F1 {metrics.MacroF1:F3}, accuracy {metrics.Accuracy:F3}, model {bytes.Length:N0} bytes");
        Assert.True(metrics.MacroF1 >= 0.90, $"macro-F1 {metrics.MacroF1:F3}: issue 7 asks 0.90; 0.909 was measured when this bound was set (0.895 without the family prototypes)");
        Assert.NotNull(Trained.Value.Prototypes);
        Assert.InRange(bytes.Length, 1, 1024 * 1024);
    }

    // The harder measure, reported rather than required: families (kinds of software) never seen at all.
    [Fact]
    public void OnFamiliesItHasNeverSeenTheClassifierIsMeasured()
    {
        var (train, heldOut) = ErrorCorpus.FamilySplit();
        var metrics = ErrorClassifier.Train(train).Evaluate(heldOut);
        foreach (var (category, m) in metrics.PerCategory)
        {
            output.WriteLine($"unseen families: {category,-20} F1 {m.F1:F2}");
        }

        output.WriteLine($"unseen families: macro-F1 {metrics.MacroF1:F3}");
        // The family prototypes trade some of this for phrasings of known software: 0.718 before them, 0.687 with them
        // (on four development family splits 0.711 and 0.703).
        Assert.True(metrics.MacroF1 > 0.66, $"macro-F1 {metrics.MacroF1:F3}: generalisation to unseen families regressed (0.687 when this bound was set)");
    }

    [Fact]
    public void ASavedClassifierLoadsAndClassifiesTheSame()
    {
        var classifier = Trained.Value;
        var loaded = ErrorClassifier.Load(classifier.Save());

        foreach (var e in ErrorCorpus.Generate(seed: 7).Where((_, i) => i % 50 == 0))
        {
            Assert.Equal(classifier.Predict(e.ExceptionType, e.Message, e.StackTrace), loaded.Predict(e.ExceptionType, e.Message, e.StackTrace));
        }

        Assert.Equal(ErrorCategory.Authentication, loaded.Classify(null, "28P01: password authentication failed for user \"app_rw\"", null));
    }

    [Fact]
    public void EveryCategoryIsPredictedOnItsOwnTrainingDataSoNoLabelIsShifted()
    {
        var (train, _) = ErrorCorpus.Split();
        foreach (var group in train.GroupBy(e => e.Category))
        {
            var right = group.Count(e => Trained.Value.Classify(e.ExceptionType, e.Message, e.StackTrace) == group.Key);
            Assert.True(right > group.Count() * 0.9, $"{group.Key}: {right} of {group.Count()}");
        }
    }

    [Fact]
    public void ProbabilitiesAreBetweenZeroAndOneAndHighForATextbookMessage()
    {
        var (category, probability) = Trained.Value.Predict("System.OutOfMemoryException", "Exception of type 'System.OutOfMemoryException' was thrown.", null);
        Assert.Equal(ErrorCategory.MemoryAndResources, category);
        Assert.InRange(probability, 0.5, 1);
    }

    // The text is joined and masked in reused buffers instead of built as strings (a huge one in buffers of its own);
    // it must be the exception type, message and first two stack lines, masked, and classification must read exactly
    // what training reads.
    [Fact]
    public void TheTextIsTheMaskedTypeMessageAndFirstTwoStackLinesAndClassificationReadsWhatTrainingReads()
    {
        var frames = string.Join('\n', Enumerable.Range(0, 5).Select(i => $"   at Billing.Invoices.Post(Int32 id) in /src/Billing/Invoices.cs:line {i}"));
        (string?, string?, string?)[] errors =
        [
            .. ErrorCorpus.Generate(seed: 11).Where((_, i) => i % 7 == 0).Select(e => (e.ExceptionType, e.Message, e.StackTrace)),
            (null, null, null),
            ("", "", ""),
            (null, "timeout after 30s", frames),
            ("System.Exception", null, "only one line"),
            (null, string.Join(' ', Enumerable.Range(0, 3_000).Select(i => i % 10)), null),
            ("Erreur", "la connexion à la base « facturation » a échoué après 3 tentatives — délai dépassé", frames),
            (null, new string('x', 40_000) + " connection refused " + string.Join(',', Enumerable.Range(0, 9_000)), frames),
        ];

        var expected = new FeatureVector(ErrorText.Dimension);
        var actual = new FeatureVector(ErrorText.Dimension);
        foreach (var (type, message, stack) in errors)
        {
            var lines = (stack ?? "").Split('\n');
            Assert.Equal(VariableMasker.Mask($"{type} {message} {string.Join('\n', lines.Take(2))}"), ErrorText.Of(type, message, stack));

            expected.Clear();
            actual.Clear();
            ErrorText.Extract(ErrorText.Of(type, message, stack), expected);
            ErrorText.Extract(type, message, stack, actual);
            Assert.Equal(expected.Indices.ToArray(), actual.Indices.ToArray());
            foreach (var i in expected.Indices)
            {
                Assert.Equal(expected[i], actual[i]);
            }
        }
    }

    // Classify skips the prototypes where the linear model's lead is larger than anything they could add; the
    // category must be Predict's, which always adds them, on every message.
    [Fact]
    public void ClassifyGivesPredictsCategoryAlsoWhereItSkipsThePrototypes()
    {
        var classifier = Trained.Value;
        var prototypes = classifier.Prototypes!;
        var vector = new FeatureVector(ErrorText.Dimension);
        var skipped = 0;
        var entries = ErrorCorpus.Split().HeldOut.Concat(ErrorCorpus.Generate(seed: 5).Where((_, i) => i % 4 == 0)).ToList();
        foreach (var e in entries)
        {
            Assert.Equal(classifier.Predict(e.ExceptionType, e.Message, e.StackTrace).Category, classifier.Classify(e.ExceptionType, e.Message, e.StackTrace));

            vector.Clear();
            ErrorText.Extract(e.ExceptionType, e.Message, e.StackTrace, vector);
            var linear = new float[Categories];
            classifier.Model.Score(vector, linear);
            var added = new float[Categories];
            prototypes.AddTo(vector, added);
            var most = prototypes.MostAdded(vector);
            Assert.All(added, a => Assert.InRange(a, 0f, most));
            var ordered = linear.OrderDescending().ToArray();
            skipped += ordered[0] - ordered[1] > most ? 1 : 0;
        }

        // Both paths are taken (about three messages in ten skip the prototypes).
        output.WriteLine($"{skipped} of {entries.Count} classified without the prototypes");
        Assert.InRange(skipped, entries.Count / 10, entries.Count * 9 / 10);
    }
}
