namespace HealingGrains.Infra.Tests;

/// <summary>
/// hooks/healinggrains-register-version.sh (bash) and hooks/healinggrains-register-version.ps1 (PowerShell 7), each
/// run as azd runs a postdeploy hook (azd's environment in its variables, the project as working directory) against a
/// real host: every case runs once per shell, so both scripts must behave the same.
/// </summary>
public sealed class RegisterVersionHookTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string Bash = "bash";

    private const string PowerShell = "pwsh";

    /// <summary>PowerShell from the NuGet .NET tool scripts/test.sh installs (there is no system pwsh to rely on).</summary>
    private static readonly string PowerShellPath = Repository.PathOf(".tools", "pwsh", "pwsh");

    [Theory]
    [InlineData(Bash)]
    [InlineData(PowerShell)]
    public async Task RegistersTheTagAndCommitOfTheDeployedWorkTreeUnderTheAzdEnvironmentsName(string shell)
    {
        var (admin, ingest) = await fixture.NewTenantWithDeploymentAsync("checkout-prod");
        using var project = await GitProject.CreateAsync("v1.4.2");

        var result = await RunHookAsync(shell, project.Path, new()
        {
            ["AZURE_ENV_NAME"] = "checkout-prod",
            ["HEALINGGRAINS_URL"] = fixture.Host.Address.ToString(),
            ["HEALINGGRAINS_INGEST_KEY"] = ingest,
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        var version = Assert.Single(await fixture.VersionsAsync("checkout-prod", admin));
        Assert.Equal("v1.4.2", version!["version"]!.ToString());
        Assert.Equal(project.Head, version["commit"]!.ToString());
        Assert.Contains("registered version v1.4.2", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(ingest, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Bash)]
    [InlineData(PowerShell)]
    public async Task WithoutGitTheImageTagAzdDeployedAndThePipelinesCommitAreTheVersion(string shell)
    {
        var (admin, ingest) = await fixture.NewTenantWithDeploymentAsync("checkout-staging");
        var folder = Directory.CreateTempSubdirectory("hg-hook-nogit");
        try
        {
            var result = await RunHookAsync(shell, folder.FullName, new()
            {
                ["AZURE_ENV_NAME"] = "staging",
                ["HEALINGGRAINS_DEPLOYMENT"] = "checkout-staging",
                ["HEALINGGRAINS_URL"] = fixture.Host.Address.ToString().TrimEnd('/') + "/",
                ["HEALINGGRAINS_INGEST_KEY"] = ingest,
                ["HEALINGGRAINS_SERVICE"] = "checkout-api",
                ["SERVICE_CHECKOUT_API_IMAGE_NAME"] = "crabc123.azurecr.io:443/checkout/checkout-api-staging:azd-deploy-1732550000",
                ["GITHUB_SHA"] = "9f1c2ab0d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8",
            });

            Assert.True(result.ExitCode == 0, result.ToString());
            var version = Assert.Single(await fixture.VersionsAsync("checkout-staging", admin));
            Assert.Equal("azd-deploy-1732550000", version!["version"]!.ToString());
            Assert.Equal("9f1c2ab0d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8", version["commit"]!.ToString());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(Bash)]
    [InlineData(PowerShell)]
    public async Task AVersionWithQuotesAndBackslashesArrivesUnchanged(string shell)
    {
        var (admin, ingest) = await fixture.NewTenantWithDeploymentAsync("checkout-odd");
        using var project = await GitProject.CreateAsync("v2");

        var result = await RunHookAsync(shell, project.Path, new()
        {
            ["AZURE_ENV_NAME"] = "checkout-odd",
            ["HEALINGGRAINS_URL"] = fixture.Host.Address.ToString(),
            ["HEALINGGRAINS_INGEST_KEY"] = ingest,
            ["HEALINGGRAINS_VERSION"] = "2.0 \"rc\" \\ build",
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("2.0 \"rc\" \\ build", Assert.Single(await fixture.VersionsAsync("checkout-odd", admin))!["version"]!.ToString());
    }

    [Theory]
    [InlineData(Bash)]
    [InlineData(PowerShell)]
    public async Task AnUnregisteredDeploymentFailsTheHookWithHowToFixIt(string shell)
    {
        var (admin, ingest) = await fixture.NewTenantWithDeploymentAsync("checkout-prod");
        using var project = await GitProject.CreateAsync("v1.0.0");

        var result = await RunHookAsync(shell, project.Path, new()
        {
            ["AZURE_ENV_NAME"] = "checkout-dev",
            ["HEALINGGRAINS_URL"] = fixture.Host.Address.ToString(),
            ["HEALINGGRAINS_INGEST_KEY"] = ingest,
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("PUT /api/v1/deployments/checkout-dev", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(await fixture.VersionsAsync("checkout-prod", admin));
    }

    [Theory]
    [InlineData(Bash)]
    [InlineData(PowerShell)]
    public async Task AnUnknownKeyFailsTheHookWithoutEchoingIt(string shell)
    {
        await fixture.NewTenantWithDeploymentAsync("checkout-prod");
        using var project = await GitProject.CreateAsync("v1.0.0");
        const string wrongKey = "hg_ingest_not-a-key-of-this-installation";

        var result = await RunHookAsync(shell, project.Path, new()
        {
            ["AZURE_ENV_NAME"] = "checkout-prod",
            ["HEALINGGRAINS_URL"] = fixture.Host.Address.ToString(),
            ["HEALINGGRAINS_INGEST_KEY"] = wrongKey,
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("(401)", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Bash)]
    [InlineData(PowerShell)]
    public async Task MissingSettingsStopTheHookBeforeAnyCallAndSayWhatToSet(string shell)
    {
        using var project = await GitProject.CreateAsync("v1.0.0");

        var noUrl = await RunHookAsync(shell, project.Path, new() { ["AZURE_ENV_NAME"] = "checkout-prod", ["HEALINGGRAINS_INGEST_KEY"] = "k" });
        var noKey = await RunHookAsync(shell, project.Path, new() { ["AZURE_ENV_NAME"] = "checkout-prod", ["HEALINGGRAINS_URL"] = fixture.Host.Address.ToString() });

        Assert.Equal(2, noUrl.ExitCode);
        Assert.Contains("azd env set HEALINGGRAINS_URL", noUrl.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, noKey.ExitCode);
        Assert.Contains("azd env set HEALINGGRAINS_INGEST_KEY", noKey.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Bash)]
    [InlineData(PowerShell)]
    public async Task AnUnreachableHostIsRetriedThenReported(string shell)
    {
        using var project = await GitProject.CreateAsync("v1.0.0");

        var result = await RunHookAsync(shell, project.Path, new()
        {
            ["AZURE_ENV_NAME"] = "checkout-prod",
            // A port nothing listens on: the connection is refused at once.
            ["HEALINGGRAINS_URL"] = "http://127.0.0.1:9",
            ["HEALINGGRAINS_INGEST_KEY"] = "k",
            ["HEALINGGRAINS_ATTEMPTS"] = "2",
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("answer 000, retrying in 2s", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("gave up after 2 attempts: last answer 000 from http://127.0.0.1:9/api/v1/deployments/checkout-prod/versions",
            result.StandardError, StringComparison.Ordinal);
    }

    private static Task<ProcessResult> RunHookAsync(string shell, string workingDirectory, Dictionary<string, string?> azdEnvironment)
    {
        // Only what azd would pass: nothing of this machine's own pipeline variables or HealingGrains settings leaks in.
        foreach (var inherited in Environment.GetEnvironmentVariables().Keys.Cast<string>()
                     .Where(k => k.StartsWith("HEALINGGRAINS_", StringComparison.Ordinal) || k.StartsWith("SERVICE_", StringComparison.Ordinal)
                         || k is "AZURE_ENV_NAME" or "GITHUB_SHA" or "BUILD_SOURCEVERSION"))
        {
            azdEnvironment.TryAdd(inherited, null);
        }

        var (fileName, arguments) = shell switch
        {
            Bash => ("bash", new[] { Repository.PathOf("hooks", "healinggrains-register-version.sh") }),
            PowerShell => (RequirePowerShell(), new[]
            {
                "-NoLogo", "-NoProfile", "-NonInteractive", "-File", Repository.PathOf("hooks", "healinggrains-register-version.ps1"),
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(shell), shell, "bash or pwsh"),
        };
        return ProcessRunner.RunAsync(fileName, arguments, workingDirectory, azdEnvironment, TimeSpan.FromMinutes(1));
    }

    private static string RequirePowerShell()
    {
        Assert.True(
            File.Exists(PowerShellPath),
            $"PowerShell is not installed at {PowerShellPath}: run scripts/test.sh, which installs it "
            + "(dotnet tool install --tool-path .tools/pwsh PowerShell --version 7.6.9).");
        return PowerShellPath;
    }

    /// <summary>A throwaway git work tree with one commit and one tag, like a tenant's checkout.</summary>
    private sealed class GitProject : IDisposable
    {
        private readonly DirectoryInfo _folder;

        private GitProject(DirectoryInfo folder, string head)
        {
            _folder = folder;
            Head = head;
        }

        public string Path => _folder.FullName;

        public string Head { get; }

        public static async Task<GitProject> CreateAsync(string tag)
        {
            var folder = Directory.CreateTempSubdirectory("hg-hook-git");
            await File.WriteAllTextAsync(System.IO.Path.Combine(folder.FullName, "azure.yaml"), "name: checkout\n");
            var identity = new Dictionary<string, string?>
            {
                ["GIT_AUTHOR_NAME"] = "Tenant",
                ["GIT_AUTHOR_EMAIL"] = "tenant@example.invalid",
                ["GIT_COMMITTER_NAME"] = "Tenant",
                ["GIT_COMMITTER_EMAIL"] = "tenant@example.invalid",
            };
            foreach (var arguments in new[] { ["init", "-q"], ["add", "azure.yaml"], ["commit", "-q", "-m", "first"], new[] { "tag", tag } })
            {
                var result = await ProcessRunner.RunAsync("git", arguments, folder.FullName, identity);
                Assert.True(result.ExitCode == 0, result.ToString());
            }

            var head = await ProcessRunner.RunAsync("git", ["rev-parse", "HEAD"], folder.FullName);
            return new GitProject(folder, head.StandardOutput.Trim());
        }

        public void Dispose() => _folder.Delete(recursive: true);
    }
}
