using System.CommandLine;
using System.Text.Json;
using HealingGrains.Cli.Commands;
using HealingGrains.Silo.Hosting;

namespace HealingGrains.Cli.Tests;

/// <summary><c>hg load</c> against a real host: it creates its tenants, sends, probes, reports, and measures the host's CPU.</summary>
[Collection(SimulationCollection.Name)]
public sealed class LoadCommandTests
{
    [Fact]
    public async Task ALoadReportsAcceptedEventsLatenciesProbesAndServerCpu()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await EmbeddedHost.StartAsync(3, ct);
        var json = Path.Combine(Directory.CreateTempSubdirectory("hg-load-").FullName, "load.json");
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await HgCommand.InvokeAsync(
            ["load", "--url", host.Address.ToString(), "--operator-key", host.OperatorKey, "--tenants", "2", "--deployments", "2",
                "--batch", "10", "--connections", "2", "--rate", "400", "--duration", "00:00:03", "--server-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--json", json],
            new InvocationConfiguration { Output = output, Error = error }, ct);

        Assert.True(exit == ExitCodes.Ok, error.ToString());
        Assert.Contains("hg load:", error.ToString(), StringComparison.Ordinal);
        using var result = JsonDocument.Parse(await File.ReadAllTextAsync(json, ct));
        var root = result.RootElement;
        var accepted = root.GetProperty("accepted").GetInt64();
        Assert.InRange(accepted, 100, 2_000);
        Assert.Equal(0, root.GetProperty("failed").GetInt64());
        Assert.True(root.GetProperty("probes").GetInt32() >= 1);
        Assert.True(root.GetProperty("ingestToFingerprintP50Ms").GetDouble() > 0);
        Assert.True(root.GetProperty("ackP99Ms").GetDouble() >= root.GetProperty("ackP50Ms").GetDouble());
        Assert.True(root.GetProperty("serverCpuSecondsPerEvent").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("firstShedSeconds").ValueKind);
        // One entry per whole second of the run (a timer may end a 3 s run a hair early).
        var seconds = root.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, (int)Math.Floor(root.GetProperty("seconds").GetDouble())), seconds.Select(s => s.GetProperty("second").GetInt32()));
        Assert.InRange(seconds.Count, 2, 3);
        Assert.True(seconds.Sum(s => s.GetProperty("acceptedEvents").GetInt64()) <= accepted);

        // The summary a person reads says the same.
        Assert.Contains($"{accepted:N0} events accepted", output.ToString(), StringComparison.Ordinal);

        var usage = await HgCommand.InvokeAsync(["load", "--url", host.Address.ToString(), "--operator-key", "x", "--batch", "5000"], new InvocationConfiguration { Output = output, Error = error }, ct);
        Assert.Equal(ExitCodes.Usage, usage);
        Assert.Contains("--batch must be from 1 to 1,000", error.ToString(), StringComparison.Ordinal);
    }

    // The generator connects before it measures: every sender's connection is opened (a health probe each, all at
    // once) before the first event is sent, so the first second of a run is load, not connecting.
    [Fact]
    public async Task EverySendersConnectionIsOpenedBeforeTheFirstEventIsSent()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = new FakeHost();
        await using var server = new RecordingServer(request => host.Answer(request, Accepted));

        var exit = await HgCommand.InvokeAsync(
            ["load", "--url", server.Address.ToString(), "--operator-key", "op", "--tenants", "2", "--deployments", "1",
                "--batch", "1", "--connections", "6", "--rate", "60", "--duration", "00:00:01"],
            new InvocationConfiguration { Output = new StringWriter(), Error = new StringWriter() }, ct);

        Assert.Equal(ExitCodes.Ok, exit);
        var paths = server.Requests.Select(r => r.Path).ToList();
        var firstEvent = paths.IndexOf("/api/v1/telemetry");
        Assert.True(firstEvent > 0, string.Join(", ", paths));
        Assert.Equal(6, paths.Count(p => p == "/health/live"));
        Assert.Equal(6, paths.Take(firstEvent).Count(p => p == "/health/live"));
    }

    // Paced, the senders keep phases of their own, so that together they send evenly rather than in bursts of one
    // request per sender.
    [Fact]
    public async Task PacedSendersSendEvenlyNotAllAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = new FakeHost();
        var arrivals = new System.Collections.Concurrent.ConcurrentQueue<long>();
        await using var server = new RecordingServer(request =>
        {
            if (request.Path == "/api/v1/telemetry" && request.Authorization != "Bearer ingest-2")
            {
                arrivals.Enqueue(System.Diagnostics.Stopwatch.GetTimestamp());
            }

            return host.Answer(request, Accepted);
        });

        // Four senders at 5 requests a second each: in phase, they would send four at once every 200 ms.
        var exit = await HgCommand.InvokeAsync(
            ["load", "--url", server.Address.ToString(), "--operator-key", "op", "--tenants", "1", "--deployments", "1",
                "--batch", "1", "--connections", "4", "--rate", "20", "--duration", "00:00:02"],
            new InvocationConfiguration { Output = new StringWriter(), Error = new StringWriter() }, ct);

        Assert.Equal(ExitCodes.Ok, exit);
        var times = arrivals.Order().ToList();
        Assert.InRange(times.Count, 30, 44);
        var gaps = times.Zip(times.Skip(1), (a, b) => System.Diagnostics.Stopwatch.GetElapsedTime(a, b).TotalMilliseconds).ToList();
        var close = gaps.Count(g => g < 10);
        Assert.True(close < gaps.Count * 0.4, $"{close} of {gaps.Count} requests came within 10 ms of the one before: {string.Join(", ", gaps.Select(g => $"{g:F0}"))}");
    }

    // Unpaced, a sender told to retry after a second waits that second, as a client would.
    [Fact]
    public async Task UnpacedSendersWaitAsTheyAreToldByRetryAfter()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = new FakeHost();
        await using var server = new RecordingServer(request =>
            host.Answer(request, request.Authorization == "Bearer ingest-1" ? (503, """{"title":"Service busy"}""", "1") : Accepted));
        var output = new StringWriter();

        var exit = await HgCommand.InvokeAsync(
            ["load", "--url", server.Address.ToString(), "--operator-key", "op", "--tenants", "1", "--deployments", "1",
                "--batch", "1", "--connections", "2", "--duration", "00:00:02"],
            new InvocationConfiguration { Output = output, Error = new StringWriter() }, ct);

        // Nothing was accepted, which is a failed run.
        Assert.Equal(ExitCodes.Failure, exit);
        var shed = server.Requests.Count(r => r.Path == "/api/v1/telemetry" && r.Rejected);
        Assert.InRange(shed, 2, 6);
        Assert.Contains($"{shed:N0} shed", output.ToString(), StringComparison.Ordinal);
    }

    // Overload: a host that takes 20 requests a second from a tenant sheds the rest, and the report says when shedding began and how it went.
    [Fact]
    public async Task ALoadOverTheHostsLimitReportsWhenSheddingBeganAndEachSecond()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await EmbeddedHost.StartAsync(3, ct, settings: new Dictionary<string, string?>
        {
            ["HealingGrains:Admission:TenantRequestsPerSecond"] = "20",
            ["HealingGrains:Admission:TenantBurst"] = "20",
        });
        var json = Path.Combine(Directory.CreateTempSubdirectory("hg-load-").FullName, "load.json");
        var output = new StringWriter();

        var exit = await HgCommand.InvokeAsync(
            ["load", "--url", host.Address.ToString(), "--operator-key", host.OperatorKey, "--tenants", "1", "--deployments", "1",
                "--batch", "5", "--connections", "4", "--rate", "1000", "--duration", "00:00:03", "--json", json],
            new InvocationConfiguration { Output = output, Error = new StringWriter() }, ct);

        Assert.Equal(ExitCodes.Ok, exit);
        using var result = JsonDocument.Parse(await File.ReadAllTextAsync(json, ct));
        var root = result.RootElement;
        var shed = root.GetProperty("shed").GetInt64();
        Assert.True(shed > 100, $"{shed} shed");
        Assert.InRange(root.GetProperty("firstShedSeconds").GetDouble(), 0, 1.5);
        Assert.True(root.GetProperty("shedP99Ms").GetDouble() > 0);
        var seconds = root.GetProperty("timeline").EnumerateArray().ToList();
        Assert.True(seconds.Sum(s => s.GetProperty("shedRequests").GetInt64()) <= shed);
        Assert.All(seconds, s => Assert.True(s.GetProperty("shedRequests").GetInt64() > 0));
        Assert.All(seconds, s => Assert.True(s.GetProperty("answeredRequests").GetInt64() >= s.GetProperty("shedRequests").GetInt64()));

        // At most the burst and 20 a second were accepted: 5 events each.
        Assert.InRange(root.GetProperty("accepted").GetInt64(), 5, 5 * (20 + (20 * 4)));
        Assert.Contains("shed: the first after", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("shed share of each second's requests: 0-1 s", output.ToString(), StringComparison.Ordinal);
    }

    private static readonly (int Status, string Body, string? RetryAfter) Accepted = (202, """{"accepted":1}""", null);

    // What a host answers `hg load`: tenants with numbered keys (admin-1, ingest-1, …), no fingerprints yet, and
    // telemetry as the test says.
    private sealed class FakeHost
    {
        private int _tenants;

        public (int Status, string Body, string? RetryAfter) Answer(RecordedRequest request, (int Status, string Body, string? RetryAfter) telemetry)
        {
            if (request.Path == "/api/v1/tenants")
            {
                var tenant = Interlocked.Increment(ref _tenants);
                return (201, $$"""{"adminKey":"admin-{{tenant}}","ingestKey":"ingest-{{tenant}}"}""", null);
            }

            return request.Path switch
            {
                "/api/v1/telemetry" => telemetry,
                "/api/v1/fingerprints" => (200, "[]", null),
                _ => (200, "{}", null),
            };
        }
    }
}
