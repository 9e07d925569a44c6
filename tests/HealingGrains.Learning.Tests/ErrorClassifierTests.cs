using HealingGrains.Learning.Corpus;
using HealingGrains.Learning.Models;

namespace HealingGrains.Learning.Tests;

public sealed class ErrorClassifierTests(ITestOutputHelper output)
{
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
}
