using HealingGrains.Learning.Corpus;
using HealingGrains.Learning.Models;

namespace HealingGrains.Learning.Tests;

public sealed class ErrorClassifierTests(ITestOutputHelper output)
{
    // New values of message kinds it was trained on: every fifth message of each family is held out. (On whole
    // families it has never seen, the first classifier reaches a macro-F1 of only 0.33: the corpus needs more kinds
    // of message per category before that split can be the measure; see docs/architecture.md.)
    [Fact]
    public void OnHeldOutMessagesTheClassifierReachesAMacroF1Of090AndStaysUnderTheSizeCap()
    {
        var corpus = ErrorCorpus.Generate();
        var train = corpus.Where((_, i) => i % 5 != 4);
        var heldOut = corpus.Where((_, i) => i % 5 == 4).ToList();
        var classifier = ErrorClassifier.Train(train);

        var metrics = classifier.Evaluate(heldOut);

        foreach (var (category, m) in metrics.PerCategory)
        {
            output.WriteLine($"{category,-20} P {m.Precision:F2}  R {m.Recall:F2}  F1 {m.F1:F2}  n {m.Support}");
        }

        var bytes = classifier.Save();
        output.WriteLine($"macro-F1 {metrics.MacroF1:F3}, accuracy {metrics.Accuracy:F3}, model {bytes.Length:N0} bytes");
        Assert.True(metrics.MacroF1 >= 0.90, $"macro-F1 {metrics.MacroF1:F3}");
        Assert.InRange(bytes.Length, 1, 1024 * 1024);
    }

    [Fact]
    public void OnFamiliesItHasNeverSeenTheClassifierIsMeasured()
    {
        var corpus = ErrorCorpus.Generate();
        var heldOut = ErrorCorpus.Families.Where(ErrorCorpus.IsHeldOut).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var metrics = ErrorClassifier.Train(corpus.Where(e => !heldOut.Contains(e.Family))).Evaluate(corpus.Where(e => heldOut.Contains(e.Family)));
        foreach (var (category, m) in metrics.PerCategory)
        {
            output.WriteLine($"unseen families: {category,-20} F1 {m.F1:F2}");
        }

        output.WriteLine($"unseen families: macro-F1 {metrics.MacroF1:F3}");
        Assert.True(metrics.MacroF1 > 1.0 / 11, $"macro-F1 {metrics.MacroF1:F3} is no better than chance");
    }

    [Fact]
    public void ASavedClassifierLoadsAndClassifiesTheSame()
    {
        var classifier = ErrorClassifier.Train(ErrorCorpus.Generate());
        var loaded = ErrorClassifier.Load(classifier.Save());

        foreach (var e in ErrorCorpus.Generate(seed: 7).Where((_, i) => i % 50 == 0))
        {
            Assert.Equal(classifier.Classify(e.ExceptionType, e.Message, e.StackTrace), loaded.Classify(e.ExceptionType, e.Message, e.StackTrace));
        }

        Assert.Equal(ErrorCategory.Authentication, loaded.Classify(null, "28P01: password authentication failed for user \"app_rw\"", null));
    }
}
