using System.Globalization;
using System.Text.RegularExpressions;
using HealingGrains.Cli.Commands;

namespace HealingGrains.Cli.Tests;

public sealed partial class DetectAndEvalNabCommandTests
{
    private static readonly DateTime Start = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    private static string Stamp(int row) => (Start + (row * TimeSpan.FromMinutes(5))).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    // Noise around 50 with spikes at the given rows.
    private static string Series(int rows, int seed, params int[] spikes)
    {
        var random = new Random(seed);
        var lines = new List<string> { "timestamp,value" };
        for (var i = 0; i < rows; i++)
        {
            var value = spikes.Contains(i) ? 400 : 50 + (random.Next(-50, 51) / 10.0);
            lines.Add($"{Stamp(i)},{value.ToString(CultureInfo.InvariantCulture)}");
        }

        return string.Join('\n', lines) + "\n";
    }

    [Fact]
    public async Task DetectWritesEveryRowWithAScoreUnderTheSameRelativePathAndARowsScoreUsesOnlyTheRowsBeforeIt()
    {
        var input = Directory.CreateTempSubdirectory("hg-detect-in-");
        var output = Directory.CreateTempSubdirectory("hg-detect-out-");
        Directory.CreateDirectory(Path.Combine(input.FullName, "web"));
        await File.WriteAllTextAsync(Path.Combine(input.FullName, "web", "cpu.csv"), Series(600, 1, 500), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(input.FullName, "short.csv"), string.Join('\n', Series(600, 1, 500).Split('\n').Take(451)), TestContext.Current.CancellationToken);
        var progress = new StringWriter();

        var exit = await DetectCommand.RunAsync(input, output, progress, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        Assert.Contains("[1/2]", progress.ToString(), StringComparison.Ordinal);
        var rows = (await File.ReadAllLinesAsync(Path.Combine(output.FullName, "web", "cpu.csv"), TestContext.Current.CancellationToken)).ToList();
        Assert.Equal("timestamp,value,anomaly_score", rows[0]);
        Assert.Equal(601, rows.Count);
        var source = Series(600, 1, 500).Split('\n');
        var scores = rows.Skip(1).Select(r => double.Parse(r.Split(',')[2], CultureInfo.InvariantCulture)).ToList();
        Assert.All(rows.Skip(1).Zip(source.Skip(1)), p => Assert.StartsWith(p.Second + ",", p.First, StringComparison.Ordinal));
        Assert.All(scores, s => Assert.InRange(s, 0, 1));
        Assert.True(scores[500] > 0.99, $"the spike scored {scores[500]}");
        Assert.True(scores.Take(500).Max() < scores[500]);

        // The first 450 rows alone score exactly as they did with the rest of the file after them.
        var prefix = (await File.ReadAllLinesAsync(Path.Combine(output.FullName, "short.csv"), TestContext.Current.CancellationToken)).Skip(1).ToList();
        Assert.Equal(450, prefix.Count);
        Assert.Equal(rows.Skip(1).Take(450), prefix);
        input.Delete(recursive: true);
        output.Delete(recursive: true);
    }

    [Fact]
    public async Task DetectNamesTheFileAndLineOfABadRowWritesNothingForThatFileAndGoesOnWithTheOthers()
    {
        var input = Directory.CreateTempSubdirectory("hg-detect-bad-");
        var output = Directory.CreateTempSubdirectory("hg-detect-bad-out-");
        await File.WriteAllTextAsync(Path.Combine(input.FullName, "bad.csv"), $"timestamp,value\n{Stamp(0)},1\n{Stamp(1)},NaN\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(input.FullName, "good.csv"), Series(20, 2), TestContext.Current.CancellationToken);
        var progress = new StringWriter();

        var exit = await DetectCommand.RunAsync(input, output, progress, TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.Contains("bad.csv:3", progress.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output.FullName, "bad.csv")));
        Assert.True(File.Exists(Path.Combine(output.FullName, "good.csv")));
        Assert.Equal(2, await DetectCommand.RunAsync(new DirectoryInfo(Path.Combine(input.FullName, "missing")), output, new StringWriter(), TestContext.Current.CancellationToken));
        input.Delete(recursive: true);
        output.Delete(recursive: true);
    }

    [Fact]
    public async Task EvalNabScoresAPerfectDetector100TheNullDetector0AndRunsItsOwnDetectorOtherwise()
    {
        // Two series of 400 rows; windows [300, 319] and [250, 269], [350, 369].
        var corpus = Directory.CreateTempSubdirectory("hg-nab-");
        Directory.CreateDirectory(Path.Combine(corpus.FullName, "data", "demo"));
        Directory.CreateDirectory(Path.Combine(corpus.FullName, "labels"));
        await File.WriteAllTextAsync(Path.Combine(corpus.FullName, "data", "demo", "a.csv"), Series(400, 3, 310), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(corpus.FullName, "data", "demo", "b.csv"), Series(400, 4, 260, 360), TestContext.Current.CancellationToken);
        var windows = new Dictionary<string, int[][]> { ["demo/a.csv"] = [[300, 319]], ["demo/b.csv"] = [[250, 269], [350, 369]] };
        await File.WriteAllTextAsync(Path.Combine(corpus.FullName, "labels", "combined_windows.json"),
            "{" + string.Join(",", windows.Select(w => $"\"{w.Key}\": [" + string.Join(",", w.Value.Select(p => $"[\"{Stamp(p[0])}.000000\", \"{Stamp(p[1])}.000000\"]")) + "]")) + "}",
            TestContext.Current.CancellationToken);

        async Task<DirectoryInfo> Results(Func<string, int, double> score)
        {
            var folder = Directory.CreateTempSubdirectory("hg-nab-results-");
            Directory.CreateDirectory(Path.Combine(folder.FullName, "demo"));
            foreach (var name in windows.Keys)
            {
                var lines = Enumerable.Range(0, 400).Select(i => $"{Stamp(i)},50,{score(name, i).ToString(CultureInfo.InvariantCulture)}");
                await File.WriteAllTextAsync(Path.Combine(folder.FullName, name), "timestamp,value,anomaly_score\n" + string.Join('\n', lines), TestContext.Current.CancellationToken);
            }

            return folder;
        }

        var perfect = await Results((name, i) => windows[name].Any(w => w[0] == i) ? 1 : 0);
        var output = new StringWriter();
        Assert.Equal(0, await EvalNabCommand.RunAsync(corpus, perfect, output, new StringWriter(), TestContext.Current.CancellationToken));
        Assert.Equal(["100.0", "100.0", "100.0"], Profiles(output.ToString()).Select(p => p.Score));

        var none = await Results((_, _) => 0);
        output = new StringWriter();
        Assert.Equal(0, await EvalNabCommand.RunAsync(corpus, none, output, new StringWriter(), TestContext.Current.CancellationToken));
        Assert.Equal(["0.0", "0.0", "0.0"], Profiles(output.ToString()).Select(p => p.Score));

        // Its own detector finds the three spikes in their windows.
        output = new StringWriter();
        var progress = new StringWriter();
        Assert.Equal(0, await EvalNabCommand.RunAsync(corpus, null, output, progress, TestContext.Current.CancellationToken));
        Assert.Contains("[2/2] demo/b.csv", progress.ToString(), StringComparison.Ordinal);
        var standard = Profiles(output.ToString())[0];
        Assert.Equal("standard", standard.Name);
        Assert.True(double.Parse(standard.Score, CultureInfo.InvariantCulture) > 80, output.ToString());

        // Results with a row missing are refused, naming the file.
        File.WriteAllLines(Path.Combine(none.FullName, "demo", "a.csv"), File.ReadAllLines(Path.Combine(none.FullName, "demo", "a.csv")).SkipLast(1));
        progress = new StringWriter();
        Assert.Equal(2, await EvalNabCommand.RunAsync(corpus, none, new StringWriter(), progress, TestContext.Current.CancellationToken));
        Assert.Contains("399 scored rows, but the series has 400", progress.ToString(), StringComparison.Ordinal);
        foreach (var folder in new[] { corpus, perfect, none })
        {
            folder.Delete(recursive: true);
        }
    }

    // The benchmark itself: the project's detector on the 41 NAB series beside the clone. Issue 8 asks a standard score of
    // at least 76 (measured 76.5, 69.3, 81.1; 71.3, 68.0, 74.1 before the phase detector).
    [Fact]
    public async Task OnTheSharedNabSeriesTheDetectorKeepsItsScores()
    {
        var output = new StringWriter();
        Assert.Equal(0, await EvalNabCommand.RunAsync(new DirectoryInfo(SharedNab()), null, output, new StringWriter(), TestContext.Current.CancellationToken));
        var scores = Profiles(output.ToString()).ToDictionary(p => p.Name, p => double.Parse(p.Score, CultureInfo.InvariantCulture));
        TestContext.Current.TestOutputHelper?.WriteLine(output.ToString());
        Assert.True(scores["standard"] >= 76, output.ToString());
        Assert.True(scores["reward_low_FP_rate"] >= 69, output.ToString());
        Assert.True(scores["reward_low_FN_rate"] >= 80, output.ToString());
    }

    private static List<(string Name, string Score)> Profiles(string output) =>
        [.. ProfileRow().Matches(output).Select(m => (m.Groups["name"].Value, m.Groups["score"].Value))];

    private static string SharedNab()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "nab");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("../shared/data/nab was not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^(?<name>standard|reward_low_FP_rate|reward_low_FN_rate)\s+(?<score>-?\d+\.\d)\s", RegexOptions.Multiline)]
    private static partial Regex ProfileRow();
}
