using System.CommandLine;
using HealingGrains.Cli.Commands;
using HealingGrains.Core.Federation;
using HealingGrains.Silo.Hosting;

namespace HealingGrains.Cli.Tests;

/// <summary><c>hg federation</c> as an operator types it, between two real hosts: A exports, B (which trusts A's key) imports.</summary>
[Collection(SimulationCollection.Name)]
public sealed class FederationCommandTests
{
    [Fact]
    public async Task ABundleExportedFromOneHostIsImportedOnceByAHostThatTrustsItAndRefusedWithTheReasonOtherwise()
    {
        await using var a = await EmbeddedHost.StartAsync(1, TestContext.Current.CancellationToken, settings: new Dictionary<string, string?>
        {
            ["HealingGrains:Federation:Issuer"] = "installation-a",
        });
        string[] atA = ["--url", a.Address.ToString(), "--operator-key", a.OperatorKey];

        var status = await RunAsync(["federation", "status", .. atA]);
        Assert.Equal(ExitCodes.Ok, status.Exit);
        Assert.Equal("issuer: installation-a", status.Lines[0]);
        var publicKey = status.Lines[1]["public key: ".Length..];
        Assert.Null(Grains.Federation.FederationSettings.PublicKeyProblem(publicKey));
        Assert.StartsWith("k = 3 organisations, epsilon 1,", status.Lines[2], StringComparison.Ordinal);

        var file = Path.Combine(Directory.CreateTempSubdirectory("hg-federation-").FullName, "a.json");
        var exported = await RunAsync(["federation", "export", .. atA, "--out", file]);
        Assert.Equal(ExitCodes.Ok, exported.Exit);
        Assert.StartsWith($"wrote {file}: 0 patterns from installation-a (k = 3), signed by {publicKey}", exported.Lines[0], StringComparison.Ordinal);
        Assert.Null(FederationBundle.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).Refusal([publicKey], 3));

        var own = await RunAsync(["federation", "import", .. atA, "--file", file]);
        Assert.Equal(ExitCodes.Failure, own.Exit);
        Assert.Contains("hg federation import: refused: 400 Bad Request: The bundle is this installation's own export", own.Error, StringComparison.Ordinal);

        await using var b = await EmbeddedHost.StartAsync(2, TestContext.Current.CancellationToken, settings: new Dictionary<string, string?>
        {
            ["HealingGrains:Federation:TrustedKeys:0"] = publicKey,
        });
        string[] atB = ["--url", b.Address.ToString(), "--operator-key", b.OperatorKey];

        var imported = await RunAsync(["federation", "import", .. atB, "--file", file]);
        Assert.Equal(ExitCodes.Ok, imported.Exit);
        Assert.StartsWith("imported: 0 patterns from installation-a (key ", imported.Lines[0], StringComparison.Ordinal);

        var again = await RunAsync(["federation", "import", .. atB, "--file", file]);
        Assert.Equal(ExitCodes.Failure, again.Exit);
        Assert.Contains("409 Conflict", again.Error, StringComparison.Ordinal);

        var untrusted = await RunAsync(["federation", "import", "--url", a.Address.ToString(), "--operator-key", a.OperatorKey, "--file", await OtherBundleAsync()]);
        Assert.Equal(ExitCodes.Failure, untrusted.Exit);
        Assert.Contains("does not trust", untrusted.Error, StringComparison.Ordinal);

        var statusB = await RunAsync(["federation", "status", .. atB]);
        Assert.Contains(statusB.Lines, l => l.StartsWith("0 patterns from installation-a (key ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("federation", "export", "--out", "x.json")]
    [InlineData("federation", "status", "--url", "not a url", "--operator-key", "k")]
    [InlineData("federation", "import", "--url", "http://127.0.0.1:9", "--operator-key", "k", "--file", "/nonexistent/bundle.json")]
    [InlineData("federation", "export", "--url", "http://127.0.0.1:9", "--operator-key", "k", "--out", "/nonexistent/folder/a.json")]
    public async Task BadArgumentsAreUsageErrors(params string[] args)
    {
        var result = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
    }

    private static async Task<string> OtherBundleAsync()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var file = Path.Combine(Directory.CreateTempSubdirectory("hg-federation-").FullName, "other.json");
        await File.WriteAllTextAsync(file, FederationBundle.Sign("mallory", DateTimeOffset.UtcNow, 3, [], key).ToJson(), TestContext.Current.CancellationToken);
        return file;
    }

    private static async Task<Result> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await HgCommand.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return new Result(exit, output.ToString(), error.ToString());
    }

    private sealed record Result(int Exit, string Output, string Error)
    {
        public List<string> Lines { get; } = Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
    }
}
