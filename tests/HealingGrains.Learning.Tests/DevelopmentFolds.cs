using HealingGrains.Learning.Corpus;

namespace HealingGrains.Learning.Tests;

/// <summary>
/// The development measure for choosing classifier changes without looking at the held-out split: three folds that
/// each validate on one of every family's second-, third- or fourth-last template and train on the family's other
/// templates, never on the last one (<see cref="ErrorCorpus.Split"/>'s held-out phrasing). A change is chosen on the
/// mean macro-F1 over the three folds, then measured once on the held-out split.
/// </summary>
public static class DevelopmentFolds
{
    /// <summary>The three folds, second-last template first.</summary>
    public static IEnumerable<(IReadOnlyList<CorpusEntry> Train, IReadOnlyList<CorpusEntry> Validate)> Folds(int seed = 20261125)
    {
        var last = ErrorCorpus.Families.ToDictionary(f => f.Name, f => f.Templates.Count - 1, StringComparer.Ordinal);
        var development = ErrorCorpus.Generate(seed).Where(e => e.Template != last[e.Family]).ToList();
        for (var k = 1; k <= 3; k++)
        {
            yield return ([.. development.Where(e => e.Template != last[e.Family] - k)], [.. development.Where(e => e.Template == last[e.Family] - k)]);
        }
    }
}

public sealed class DevelopmentFoldsTests
{
    [Fact]
    public void NoFoldTouchesAHeldOutPhrasingAndEachValidatesOnPhrasingsItDoesNotTrainOn()
    {
        var heldOut = ErrorCorpus.Split().HeldOut.Select(e => (e.Family, e.Template)).ToHashSet();
        var folds = DevelopmentFolds.Folds().ToList();

        Assert.Equal(3, folds.Count);
        foreach (var (train, validate) in folds)
        {
            Assert.DoesNotContain(train.Concat(validate), e => heldOut.Contains((e.Family, e.Template)));
            Assert.Empty(train.Select(e => (e.Family, e.Template)).Intersect(validate.Select(e => (e.Family, e.Template))));
            Assert.Equal(ErrorCorpus.Families.Count * ErrorCorpus.PerTemplate, validate.Count);
        }

        // Together the folds validate on three different templates of every family.
        Assert.All(folds.SelectMany(f => f.Validate).GroupBy(e => e.Family), g => Assert.Equal(3, g.Select(e => e.Template).Distinct().Count()));
    }
}
