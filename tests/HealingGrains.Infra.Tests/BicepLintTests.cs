namespace HealingGrains.Infra.Tests;

/// <summary>Every Bicep file compiles and passes the linter (rules in bicepconfig.json) without a single diagnostic.</summary>
public sealed class BicepLintTests
{
    public static TheoryData<string> BicepFiles() =>
        new(Directory.GetFiles(Repository.PathOf("infra"), "*.bicep")
            .Concat(Directory.GetFiles(Repository.PathOf("bicep"), "*.bicep"))
            .Select(f => Path.GetRelativePath(Repository.Root, f))
            .Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task CompilesWithoutDiagnostics(string file)
    {
        var result = await Bicep.RunAsync("build", Repository.PathOf(file), "--stdout");

        Assert.True(result.ExitCode == 0 && result.StandardError.Length == 0, result.ToString());
        Assert.StartsWith("{", result.StandardOutput.TrimStart(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task LintsWithoutDiagnostics(string file)
    {
        var result = await Bicep.RunAsync("lint", Repository.PathOf(file));

        Assert.True(result.ExitCode == 0 && result.StandardError.Length == 0 && result.StandardOutput.Trim().Length == 0, result.ToString());
    }

    [Fact]
    public void TheModulesAndTheEntryPointAreAllLinted()
    {
        var files = BicepFiles().Select(row => row.Data).ToList();

        Assert.Contains(Path.Combine("infra", "main.bicep"), files);
        Assert.True(files.Count(f => f.StartsWith("bicep", StringComparison.Ordinal)) >= 8, string.Join(", ", files));
    }

    [Fact]
    public async Task TheRepositoryLinterConfigurationTurnsARuleViolationIntoAnError()
    {
        // The same bicepconfig.json next to a file that breaks one rule: lint must fail, or the clean runs above prove nothing.
        var folder = Directory.CreateTempSubdirectory("hg-bicep-lint");
        try
        {
            File.Copy(Repository.PathOf("bicepconfig.json"), Path.Combine(folder.FullName, "bicepconfig.json"));
            var file = Path.Combine(folder.FullName, "broken.bicep");
            await File.WriteAllTextAsync(file, """
                metadata description = 'A parameter nobody uses.'

                @description('Unused.')
                param unused string

                output answer int = 42
                """, TestContext.Current.CancellationToken);

            var result = await Bicep.RunAsync("lint", file);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("no-unused-params", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
