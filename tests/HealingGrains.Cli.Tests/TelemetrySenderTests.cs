using System.Text;
using System.Text.Json;
using HealingGrains.Cli.Commands;

namespace HealingGrains.Cli.Tests;

public sealed class TelemetrySenderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void BatchesHoldAtMost1000Events()
    {
        var events = Enumerable.Range(1, 2500).Select(i => (i, $"{{\"kind\":\"error\",\"message\":\"e{i}\"}}"));

        var batches = TelemetrySender.Batches("shop-prod", events).ToList();

        Assert.Equal([1000, 1000, 500], batches.Select(b => b.Count));
        Assert.Equal((1001, 2000), (batches[1].FirstLine, batches[1].LastLine));
        Assert.All(batches, b => Assert.Equal(b.Count, JsonDocument.Parse(b.Body).RootElement.GetProperty("events").GetArrayLength()));
    }

    [Fact]
    public void BatchesStayWithin1MiB()
    {
        var big = new string('x', 300 * 1024);
        var events = Enumerable.Range(1, 7).Select(i => (i, $"{{\"kind\":\"error\",\"message\":\"{big}\"}}"));

        var batches = TelemetrySender.Batches("shop-prod", events).ToList();

        Assert.All(batches, b => Assert.True(Encoding.UTF8.GetByteCount(b.Body) <= TelemetrySender.MaxBytes));
        Assert.Equal(7, batches.Sum(b => b.Count));
        Assert.Equal([3, 3, 1], batches.Select(b => b.Count));
        Assert.Equal("shop-prod", JsonDocument.Parse(batches[0].Body).RootElement.GetProperty("deployment").GetString());
    }

    [Fact]
    public void AnEventLargerThanARequestIsAnErrorNamingItsLine()
    {
        var events = new[] { (1, "{}"), (2, $"{{\"message\":\"{new string('x', TelemetrySender.MaxBytes)}\"}}") };

        var error = Assert.Throws<FormatException>(() => TelemetrySender.Batches("d", events).ToList());

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendsEveryEventToARealHttpServer()
    {
        await using var server = new RecordingServer(_ => (202, "{\"accepted\":1}", null));
        var lines = string.Join('\n', Enumerable.Range(1, 1203).Select(i => $"{{\"kind\":\"error\",\"message\":\"boom {i}\"}}"));
        using var http = new HttpClient { BaseAddress = server.Address };
        var progress = new StringWriter();

        var summary = await new TelemetrySender(http, "hg_acme_key", progress).SendAsync("shop-prod", new StringReader(lines), Ct);

        Assert.False(summary.Failed, summary.ToString());
        Assert.Equal(1203, summary.EventsSent);
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("Bearer hg_acme_key", r.Authorization));
        Assert.All(server.Requests, r => Assert.Equal("/api/v1/telemetry", r.Path));
        Assert.Equal(1203, server.Requests.Sum(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("events").GetArrayLength()));
        Assert.Contains("sent 1203 events", progress.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetriesAfter429AndThenSucceeds()
    {
        var calls = 0;
        await using var server = new RecordingServer(_ => Interlocked.Increment(ref calls) == 1 ? (429, "{}", "0") : (202, "{}", null));
        using var http = new HttpClient { BaseAddress = server.Address };

        var summary = await new TelemetrySender(http, "k", TextWriter.Null).SendAsync("d", new StringReader("{\"kind\":\"error\",\"message\":\"x\"}"), Ct);

        Assert.False(summary.Failed, summary.ToString());
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task ReportsTheServersProblemDetails()
    {
        await using var server = new RecordingServer(_ => (404, "{\"title\":\"Not found\",\"detail\":\"No deployment 'd' in this tenant.\"}", null));
        using var http = new HttpClient { BaseAddress = server.Address };

        var summary = await new TelemetrySender(http, "k", TextWriter.Null).SendAsync("d", new StringReader("{\"kind\":\"error\",\"message\":\"x\"}"), Ct);

        Assert.True(summary.Failed);
        Assert.Contains("404", summary.Error, StringComparison.Ordinal);
        Assert.Contains("No deployment 'd' in this tenant.", summary.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadLineStopsWithItsNumberAndSendsNothingPastIt()
    {
        await using var server = new RecordingServer(_ => (202, "{}", null));
        using var http = new HttpClient { BaseAddress = server.Address };

        var summary = await new TelemetrySender(http, "k", TextWriter.Null)
            .SendAsync("d", new StringReader("{\"kind\":\"error\",\"message\":\"x\"}\n[1,2]\n"), Ct);

        Assert.True(summary.Failed);
        Assert.Contains("line 2", summary.Error, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }
}
