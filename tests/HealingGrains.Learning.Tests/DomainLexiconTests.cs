using HealingGrains.Learning.Features;
using HealingGrains.Learning.Models;

namespace HealingGrains.Learning.Tests;

public sealed class DomainLexiconTests
{
    private static int Bit(ErrorCategory category) => 1 << (int)category;

    [Theory]
    [InlineData("heap", ErrorCategory.MemoryAndResources)]
    [InlineData("HEAP", ErrorCategory.MemoryAndResources)]
    [InlineData("OOMKilled", ErrorCategory.MemoryAndResources)]
    [InlineData("deadline", ErrorCategory.TimeoutAndLatency)]
    [InlineData("Throttled", ErrorCategory.Capacity)]
    [InlineData("inodes", ErrorCategory.Storage)]
    [InlineData("jwt", ErrorCategory.Authentication)]
    [InlineData("kafka", ErrorCategory.Dependency)]
    [InlineData("deadlocked", ErrorCategory.Database)]
    [InlineData("rollout", ErrorCategory.Deployment)]
    public void AWordOrAWordAStemBeginsNamesItsDomain(string word, ErrorCategory category) =>
        Assert.NotEqual(0, DomainLexicon.DomainsOf(word) & Bit(category));

    [Theory]
    [InlineData("the")]
    [InlineData("orders")]
    [InlineData("")]
    [InlineData("hea")] // a stem ("heap*") matches only words that begin with all of it
    public void OtherWordsNameNoDomain(string word) =>
        Assert.Equal(0, DomainLexicon.DomainsOf(word));

    [Fact]
    public void AWholeWordTermDoesNotMatchLongerWords()
    {
        Assert.NotEqual(0, DomainLexicon.DomainsOf("tcp") & Bit(ErrorCategory.Network));
        Assert.Equal(0, DomainLexicon.DomainsOf("tcpdumpx") & Bit(ErrorCategory.Network));
    }

    [Fact]
    public void AWordCanNameSeveralDomains()
    {
        var domains = DomainLexicon.DomainsOf("connections");
        Assert.NotEqual(0, domains & Bit(ErrorCategory.Capacity));
        Assert.Equal(0, domains & Bit(ErrorCategory.Storage));
    }

    [Fact]
    public void TheDomainWordsOfAMessageChangeItsFeatures()
    {
        // Two words of the same shape, one the lexicon knows: each has its word and four trigram features, and the
        // known one its domain's feature too.
        static HashSet<int> Buckets(string text)
        {
            var vector = new FeatureVector(ErrorText.Dimension);
            ErrorText.Extract(text, vector);
            return [.. vector.Indices.ToArray()];
        }

        var known = Buckets("heap");
        var unknown = Buckets("hexp");
        Assert.Equal(unknown.Count + 1, known.Count);
    }
}
