using System.Text.RegularExpressions;
using HealingGrains.Cli.Commands;

namespace HealingGrains.Cli.Tests;

public sealed partial class EvalLoghubCommandTests
{
    [Fact]
    public async Task PrintsAccuracyGroupsAndSpeedForEverySystemOfTheFolderThenTheMeanAndTheLowest()
    {
        var folder = Directory.CreateTempSubdirectory("hg-eval-");
        foreach (var system in new[] { "HDFS", "Linux" })
        {
            var target = Directory.CreateDirectory(Path.Combine(folder.FullName, system));
            File.Copy(Path.Combine(Loghub(), system, $"{system}_2k.log_structured.csv"), Path.Combine(target.FullName, $"{system}_2k.log_structured.csv"));
        }

        var output = new StringWriter();
        var progress = new StringWriter();

        var exit = await EvalLoghubCommand.RunAsync(folder, output, progress, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        Assert.Contains("[1/2] HDFS", progress.ToString(), StringComparison.Ordinal);
        Assert.Contains("[2/2] Linux", progress.ToString(), StringComparison.Ordinal);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        Assert.Matches(@"^system\s+GA\s+PA\s+groups\s+true\s+lines/s$", lines[0]);

        // HDFS: every group found, 14 of 14; a speed in lines per second.
        var hdfs = Row().Match(lines.Single(l => l.StartsWith("HDFS", StringComparison.Ordinal)));
        Assert.True(hdfs.Success, lines[1]);
        Assert.Equal("1.000", hdfs.Groups["ga"].Value);
        Assert.Equal("14", hdfs.Groups["found"].Value);
        Assert.Equal("14", hdfs.Groups["true"].Value);
        Assert.True(double.Parse(hdfs.Groups["speed"].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Single(lines, l => l.StartsWith("Linux", StringComparison.Ordinal) && Row().IsMatch(l));
        Assert.Single(lines, l => l.StartsWith("mean", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("lowest", StringComparison.Ordinal));
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task AFolderWithoutLoghubFilesIsAUsageError()
    {
        var folder = Directory.CreateTempSubdirectory("hg-eval-empty-");
        var progress = new StringWriter();

        var exit = await EvalLoghubCommand.RunAsync(folder, new StringWriter(), progress, TestContext.Current.CancellationToken);

        Assert.NotEqual(0, exit);
        Assert.Contains("no *_2k.log_structured.csv", progress.ToString(), StringComparison.Ordinal);
        folder.Delete();
    }

    private static string Loghub()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "loghub2k");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("../shared/data/loghub2k was not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\S+\s+(?<ga>[01]\.\d{3})\s+(?<pa>[01]\.\d{3})\s+(?<found>\d+)\s+(?<true>\d+)\s+(?<speed>[\d,]+)$")]
    private static partial Regex Row();
}
