using HealingGrains.Cli.Commands;

namespace HealingGrains.Cli.Tests;

/// <summary><c>hg send</c> as a user types it: arguments parsed by the real command tree, a real HTTP server.</summary>
public sealed class HgSendCommandTests
{
    [Fact]
    public async Task SendsAFileGivenOnTheCommandLine()
    {
        await using var server = new RecordingServer(_ => (202, "{\"accepted\":2}", null));
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "{\"kind\":\"error\",\"message\":\"a\"}\n{\"kind\":\"metric\",\"name\":\"cpu\",\"value\":0.5}\n", TestContext.Current.CancellationToken);

        var exit = await HgCommand.Create()
            .Parse(["send", "--url", server.Address.ToString().TrimEnd('/'), "--key", "hg_acme_k", "--deployment", "shop-prod", "--file", file])
            .InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        var request = Assert.Single(server.Requests);
        Assert.Equal("Bearer hg_acme_k", request.Authorization);
        Assert.Contains("\"deployment\":\"shop-prod\"", request.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.com")]
    public async Task AnInvalidUrlIsAUsageError(string url)
    {
        var exit = await HgCommand.Create()
            .Parse(["send", "--url", url, "--key", "k", "--deployment", "d"])
            .InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
    }

    [Fact]
    public async Task AMissingFileIsAUsageError()
    {
        var exit = await HgCommand.Create()
            .Parse(["send", "--url", "http://127.0.0.1:9", "--key", "k", "--deployment", "d", "--file", "/nonexistent/events.jsonl"])
            .InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
    }
}
