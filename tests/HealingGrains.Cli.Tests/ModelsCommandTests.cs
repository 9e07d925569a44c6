using System.CommandLine;
using System.Text.RegularExpressions;
using HealingGrains.Cli.Commands;
using HealingGrains.Core.Healing;
using HealingGrains.Silo.Hosting;

namespace HealingGrains.Cli.Tests;

/// <summary><c>hg models</c> as a user types it: the real command tree, output captured, a real host where one is needed.</summary>
public sealed partial class ModelsCommandTests
{
    [Fact]
    public async Task AClassifierTrainedLocallyIsWrittenToAFileThatEvaluateMeasuresTheSame()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("hg-models-").FullName, "classifier.hgm");

        var trained = await RunAsync("models", "train", "classifier", "--out", file);

        Assert.Equal(ExitCodes.Ok, trained.Exit);
        Assert.True(new FileInfo(file).Length > 0);
        Assert.Contains("training the classifier", trained.Error, StringComparison.Ordinal);
        Assert.Contains("evaluating on", trained.Error, StringComparison.Ordinal);

        var evaluated = await RunAsync("models", "evaluate", "classifier", "--model", file);

        Assert.Equal(ExitCodes.Ok, evaluated.Exit);
        Assert.Matches(@"^category\s+precision\s+recall\s+F1\s+support$", evaluated.Lines[0]);
        foreach (var category in Enum.GetNames<ErrorCategory>())
        {
            Assert.Single(evaluated.Lines, l => Row().Match(l) is { Success: true } m && m.Groups["category"].Value == category);
        }

        var macroF1 = MacroF1(evaluated.Lines);
        Assert.InRange(macroF1, 0.1, 1.0);
        Assert.Equal(MacroF1(trained.Lines), macroF1);
        Assert.Single(evaluated.Lines, l => l.StartsWith("accuracy", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("models", "train", "risk-assessor")]
    [InlineData("models", "train", "fix-predictor", "--out", "x.hgm")]
    [InlineData("models", "evaluate", "risk-assessor")]
    [InlineData("models", "train", "classifier")]
    [InlineData("models", "train", "regressor", "--out", "x.hgm")]
    [InlineData("models", "evaluate", "classifier", "--version", "2")]
    [InlineData("models", "evaluate", "classifier", "--model", "/nonexistent/classifier.hgm")]
    [InlineData("models", "train", "classifier", "--out", "/nonexistent/folder/classifier.hgm")]
    [InlineData("models", "list")]
    [InlineData("models", "promote", "classifier", "two", "--url", "http://127.0.0.1:9", "--operator-key", "k")]
    [InlineData("models", "rollback", "classifier", "--url", "not a url", "--operator-key", "k")]
    public async Task BadArgumentsAreUsageErrors(params string[] args)
    {
        var result = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
    }

    [Fact]
    public async Task TheOutcomeModelsTrainOnlyOnAHostsRecordedOutcomes()
    {
        var result = await RunAsync("models", "train", "risk-assessor");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("trains on a host's recorded outcomes", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task AgainstARunningHostItListsTrainsPromotesRegistersAndReportsRefusals()
    {
        await using var host = await EmbeddedHost.StartAsync(1, TestContext.Current.CancellationToken);
        string[] remote = ["--url", host.Address.ToString(), "--operator-key", host.OperatorKey];

        var empty = await RunAsync(["models", "list", .. remote]);

        Assert.Equal(ExitCodes.Ok, empty.Exit);
        Assert.Equal(["classifier: no active version", "fix-predictor: no active version", "risk-assessor: no active version"],
            empty.Lines.Where(l => !l.StartsWith(' ')));

        var trained = await RunAsync(["models", "train", "classifier", "--promote", .. remote]);

        Assert.Equal(ExitCodes.Ok, trained.Exit);
        Assert.StartsWith("classifier version 1: candidate, trained, macroF1=", trained.Lines[0], StringComparison.Ordinal);
        Assert.Contains("promoted: classifier version 1 is active", trained.Output, StringComparison.Ordinal);

        var listed = await RunAsync(["models", "list", .. remote]);
        Assert.Contains("classifier: active version 1", listed.Lines);
        Assert.Matches(@"^\s+version\s+status\s+metric\s+size\s+origin\s+registered$", listed.Lines[1]);
        Assert.Matches(@"^\s+1\s+active\s+macroF1=0\.\d{4}\s+\d+\.\d KiB\s+trained\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$", listed.Lines[2]);

        var evaluated = await RunAsync(["models", "evaluate", "classifier", .. remote]);
        Assert.Equal(ExitCodes.Ok, evaluated.Exit);
        Assert.StartsWith("classifier version 1: active", evaluated.Lines[0], StringComparison.Ordinal);
        Assert.Contains(evaluated.Lines, l => l.TrimStart().StartsWith("f1.Database", StringComparison.Ordinal));

        var file = Path.Combine(Directory.CreateTempSubdirectory("hg-models-").FullName, "copy.hgm");
        Assert.Equal(ExitCodes.Ok, (await RunAsync("models", "train", "classifier", "--out", file)).Exit);
        var registered = await RunAsync(["models", "register", "classifier", "--model", file, .. remote]);
        Assert.Equal(ExitCodes.Ok, registered.Exit);
        Assert.StartsWith("classifier version 2: candidate, uploaded", registered.Lines[0], StringComparison.Ordinal);

        var notBetter = await RunAsync(["models", "promote", "classifier", "2", .. remote]);
        Assert.Equal(ExitCodes.Failure, notBetter.Exit);
        Assert.Contains("not promoted: 409 Conflict: Version 2", notBetter.Error, StringComparison.Ordinal);

        var rollback = await RunAsync(["models", "rollback", "classifier", .. remote]);
        Assert.Equal(ExitCodes.Failure, rollback.Exit);
        Assert.Contains("no earlier active version", rollback.Error, StringComparison.Ordinal);

        var outcomes = await RunAsync(["models", "train", "fix-predictor", .. remote]);
        Assert.Equal(ExitCodes.Failure, outcomes.Exit);
        Assert.Contains("cannot be trained yet", outcomes.Error, StringComparison.Ordinal);
    }

    private static async Task<Result> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await HgCommand.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return new Result(exit, output.ToString(), error.ToString());
    }

    private static double MacroF1(IReadOnlyList<string> lines) =>
        double.Parse(lines.Single(l => l.StartsWith("macro-F1", StringComparison.Ordinal))["macro-F1".Length..], System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<category>\w+)\s+[01]\.\d{3}\s+[01]\.\d{3}\s+[01]\.\d{3}\s+\d+$")]
    private static partial Regex Row();

    private sealed record Result(int Exit, string Output, string Error)
    {
        public List<string> Lines { get; } = Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
    }
}
