using HealingGrains.Core.Audit;

namespace HealingGrains.Core.Tests;

public sealed class HashChainTests
{
    private static List<ChainRecord> Chain(int count)
    {
        var records = new List<ChainRecord>();
        var previous = HashChain.Genesis;
        for (var i = 1; i <= count; i++)
        {
            var content = $"{{\"event\":\"step {i}\"}}";
            previous = HashChain.Link(previous, i, content);
            records.Add(new ChainRecord(i, content, previous));
        }

        return records;
    }

    [Fact]
    public void AnIntactChainVerifies() => Assert.Equal(new ChainVerification(true, 5, null, null), HashChain.Verify(Chain(5), 5));

    [Fact]
    public void AnEditedRecordIsFound()
    {
        var chain = Chain(5);
        chain[2] = chain[2] with { Content = "{\"event\":\"forged\"}" };

        var result = HashChain.Verify(chain, 5);

        Assert.False(result.Valid);
        Assert.Equal(3, result.FirstInvalidSequence);
    }

    [Fact]
    public void ADeletedRecordIsFound()
    {
        var chain = Chain(5);
        chain.RemoveAt(1);

        Assert.Equal(2, HashChain.Verify(chain, 5).FirstInvalidSequence);
    }

    [Fact]
    public void ADeletedLastRecordIsFound()
    {
        var chain = Chain(5);
        chain.RemoveAt(4);

        Assert.Equal(5, HashChain.Verify(chain, 5).FirstInvalidSequence);
    }

    [Fact]
    public void ARecordReplacedWithAConsistentlyRehashedOneStillBreaksTheNextLink()
    {
        var chain = Chain(4);
        var forged = "{\"event\":\"forged\"}";
        chain[1] = new ChainRecord(2, forged, HashChain.Link(chain[0].Hash, 2, forged));

        Assert.Equal(3, HashChain.Verify(chain, 4).FirstInvalidSequence);
    }
}
