using HealingGrains.Core.Healing;

namespace HealingGrains.Core.Tests;

public sealed class TemplateSimilarityTests
{
    [Theory]
    [InlineData("Payment provider rejected the charge for order <*>", "Payment provider rejected the charge for order <*> after retry", 7.0 / 9)]
    [InlineData("Disk <*> full", "Disk <*> full", 1.0)]
    [InlineData("Disk full", "Cache cold", 0.0)]
    [InlineData("<*>", "<*>", 0.0)]
    public void JaccardOverWordsWithoutVariables(string a, string b, double expected) =>
        Assert.Equal(expected, TemplateSimilarity.Jaccard(a, b), 9);
}
