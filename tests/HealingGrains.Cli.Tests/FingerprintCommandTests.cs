using HealingGrains.Cli.Commands;

namespace HealingGrains.Cli.Tests;

public sealed class FingerprintCommandTests
{
    [Fact]
    public async Task WritesOneLinePerInputLineInOrderWithTheFinalTemplate()
    {
        var input = new StringReader(
            "Worker lost its lease on shard alpha after 12 s\n" +
            "Disk quota exceeded on volume data\n" +
            "Worker lost its lease on shard beta after 40 s\n");
        var output = new StringWriter();

        var exit = await FingerprintCommand.RunAsync(input, output, TestContext.Current.CancellationToken);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, exit);
        Assert.Equal(3, lines.Length);
        var fields = lines.Select(l => l.Split('\t')).ToList();
        Assert.All(fields, f => Assert.Equal(2, f.Length));
        Assert.All(fields, f => Assert.Matches("^[0-9a-f]{16}$", f[0]));
        Assert.Equal(fields[0][0], fields[2][0]);
        Assert.NotEqual(fields[0][0], fields[1][0]);

        // The first line gets its group's template as of the end of the input, generalised by the third line.
        Assert.Equal("Worker lost its lease on shard <*> after <*> s", fields[0][1]);
        Assert.Equal(fields[0][1], fields[2][1]);
        Assert.Equal("Disk quota exceeded on volume data", fields[1][1]);
    }

    [Fact]
    public async Task EmptyInputWritesNothing()
    {
        var output = new StringWriter();

        await FingerprintCommand.RunAsync(new StringReader(""), output, TestContext.Current.CancellationToken);

        Assert.Equal("", output.ToString());
    }
}
