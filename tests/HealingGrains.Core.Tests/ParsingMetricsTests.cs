using HealingGrains.Core.Evaluation;

namespace HealingGrains.Core.Tests;

public sealed class ParsingMetricsTests
{
    [Fact]
    public void GroupingAccuracyIsOneWhenGroupsMatchWhateverTheirNames() =>
        Assert.Equal(1.0, ParsingMetrics.GroupingAccuracy(["a", "a", "b"], ["x", "x", "y"]));

    [Fact]
    public void AMergedGroupMakesAllItsMessagesWrong() =>
        Assert.Equal(0.25, ParsingMetrics.GroupingAccuracy(["a", "a", "b", "c"], ["x", "x", "x", "y"]));

    [Fact]
    public void ASplitGroupMakesAllItsMessagesWrong() =>
        Assert.Equal(0.4, ParsingMetrics.GroupingAccuracy(["a", "a", "a", "b", "b"], ["x", "x", "z", "y", "y"]));

    [Fact]
    public void ParsingAccuracyComparesTemplatesWithWhitespaceNormalised() =>
        Assert.Equal(2.0 / 3, ParsingMetrics.ParsingAccuracy(["a <*> b", "c  d", "e"], ["a <*>  b", "c d", "f"]), 10);

    [Fact]
    public void MismatchedLengthsAreRefused() =>
        Assert.Throws<ArgumentException>(() => ParsingMetrics.GroupingAccuracy(["a"], ["x", "y"]));

    [Fact]
    public void ReadsLoghubCsvWithQuotedFields()
    {
        var csv = "LineId,Content,EventId,EventTemplate\r\n1,\"a, \"\"quoted\"\" value\",E1,\"a, <*> value\"\n2,plain,E2,plain\n";

        var records = LoghubCsv.Read(new StringReader(csv));

        Assert.Equal(2, records.Count);
        Assert.Equal("a, \"quoted\" value", records[0].Content);
        Assert.Equal("E1", records[0].EventId);
        Assert.Equal("plain", records[1].EventTemplate);
    }

    [Fact]
    public void AFileWithoutTheColumnsIsRefused() =>
        Assert.Throws<FormatException>(() => LoghubCsv.Read(new StringReader("a,b\n1,2\n")));
}
