using System.Security.Cryptography;
using System.Text;
using HealingGrains.Core.Fingerprinting;

namespace HealingGrains.Core.Tests;

public sealed class SplitPatternTests
{
    [Theory]
    [InlineData("Disk <*> full on <*>", "Disk sda full on node-7", true)]
    [InlineData("Disk <*> full on node-7", "Disk sda full on node-7", false)]
    [InlineData("Session opened for user root by <*>", "Session opened for user root by (uid=0)", true)]
    [InlineData("Session opened for user root by <*>", "Session opened for user cyrus by (uid=0)", false)]
    [InlineData("Disk sda full on <*>", "Disk sda full on node-7", true)]
    [InlineData("Disk sdb full on <*>", "Disk sda full on node-7", false)]
    [InlineData("Disk <*> full", "Disk sda full on node-7", false)]
    [InlineData("Disk <*> full on <*> <*>", "Disk sda full on node-7", false)]
    public void APatternMatchesTheMaskedTextTokenByToken(string pattern, string message, bool matches) =>
        Assert.Equal(matches, SplitPattern.Matches(SplitPattern.Tokens(pattern), SplitPattern.Tokens(VariableMasker.Mask(message))));

    [Fact]
    public void TheIdIsSha256OverTheSourceAndTheNormalisedPattern()
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("split\n0123456789abcdef\nDisk <*> full on node-<*>")))[..16];

        Assert.Equal(expected, SplitPattern.IdFor("0123456789abcdef", "  Disk <*>\tfull on   node-<*> "));
        Assert.Equal("Disk <*> full on node-<*>", SplitPattern.Normalize("  Disk <*>\tfull on   node-<*> "));
        Assert.NotEqual(expected, SplitPattern.IdFor("0123456789abcdee", "Disk <*> full on node-<*>"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t ")]
    [InlineData("<*>")]
    [InlineData("<*> <*> <*>")]
    public void AnEmptyOrAllWildcardPatternIsRefused(string? pattern) => Assert.NotNull(SplitPattern.Check(pattern));

    [Fact]
    public void PatternsAndReasonsHaveAThousandCharactersAtMost()
    {
        Assert.Null(SplitPattern.Check("Disk " + new string('x', 995)));
        Assert.NotNull(SplitPattern.Check("Disk " + new string('x', 996)));
        Assert.Null(SplitPattern.CheckReason(null));
        Assert.Null(SplitPattern.CheckReason(new string('x', 1000)));
        Assert.NotNull(SplitPattern.CheckReason(new string('x', 1001)));
    }
}
