using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Queues;
using HealingGrains.Storage;
using HealingGrains.Testing;

namespace HealingGrains.Silo.Tests;

/// <summary>
/// A host on Azure tables and the durable queue stream (Azurite on disk) while its storage goes away under steady
/// ingest: stopped for 10 seconds (connections refused), or frozen with SIGSTOP (connections accepted, nothing answered)
/// for as long as two requests take to time out one after the other.
/// During the outage every request that needs storage is 503 with Retry-After within a bound, never 500 and never
/// hanging, and the host is not ready; after it the host answers again without a restart, and every event acknowledged
/// with 202 is counted exactly once, also after the host is restarted from what storage holds.
/// </summary>
public sealed class StorageOutageTests
{
    private const string OperatorKey = "outage-operator-key-0123456789abcdef0123456789ab";
    private const int EventsPerRequest = 2;
    private const int Senders = 4;
    private const int QueueCount = 4;
    private static readonly TimeSpan OutageLength = TimeSpan.FromSeconds(10);

    // The longest a storage call may take against storage that answers nothing (two attempts of 3 s and the delay
    // between them), and what this shared 2-core machine may add to a request.
    private static readonly TimeSpan AnswerBound =
        StorageRetry.WorstCase(StorageRetry.DefaultNetworkTimeout, StorageRetry.DefaultMaxRetries) + TimeSpan.FromSeconds(5);

    // A call to a grain that is busy with a state write storage holds up waits for it (Orleans runs one call at a time):
    // then the request is bounded by Orleans' response timeout (30 s), after which it is 503 too.
    private static readonly TimeSpan BusyGrainBound = TimeSpan.FromSeconds(30) + TimeSpan.FromSeconds(5);

    // Ingest is acknowledged again within this after storage is back.
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(30);

    // Stopped, storage is refused at once and 10 s hold many answers. Frozen, a request is answered only after its storage
    // calls time out: the request each sender has in flight when storage freezes is answered within AnswerBound, the
    // sender waits Retry-After (1 s), and its next request is answered within AnswerBound again. So the frozen outage
    // lasts for both, whatever this machine's speed, and every sender has a request sent and answered within it.
    private static TimeSpan LengthOf(Outage outage) =>
        outage == Outage.Stopped ? OutageLength : (2 * AnswerBound) + TimeSpan.FromSeconds(1);

    private enum Outage
    {
        Stopped,
        Frozen,
    }

    [Fact]
    public Task StoppedStorageIsAnswered503UntilItIsBackAndNothingAcknowledgedIsLostOrCountedTwice() => RunAsync(Outage.Stopped);

    [Fact]
    public Task FrozenStorageIsAnswered503WithinTheTimeoutAndNothingAcknowledgedIsLostOrCountedTwice() => RunAsync(Outage.Frozen);

    private static async Task RunAsync(Outage outage)
    {
        var output = TestContext.Current.TestOutputHelper;
        var location = Directory.CreateTempSubdirectory("hg-outage").FullName;
        var azurite = AzuriteFixture.OnDisk(location);
        await azurite.InitializeAsync();
        SiloProcess? host = null;
        try
        {
            var queuePrefix = "o" + Guid.NewGuid().ToString("N")[..8];
            var settings = new Dictionary<string, string>
            {
                ["HealingGrains__Storage__Provider"] = "AzureTable",
                ["HealingGrains__Storage__ConnectionString"] = azurite.ConnectionString,
                ["HealingGrains__Storage__TablePrefix"] = "o" + Guid.NewGuid().ToString("N")[..8],
                ["HealingGrains__Streams__Provider"] = "AzureQueue",
                ["HealingGrains__Streams__ConnectionString"] = azurite.ConnectionString,
                ["HealingGrains__Streams__QueuePrefix"] = queuePrefix,
                ["HealingGrains__Streams__QueueCount"] = QueueCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["HealingGrains__Streams__VisibilityTimeout"] = "00:00:10",
                ["HealingGrains__Bootstrap__OperatorKey"] = OperatorKey,
            };
            host = new SiloProcess(RedisServer.FreePort(), settings);
            host.Start();
            await host.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(120));

            var created = await (await host.Client(OperatorKey).PostAsJsonAsync("/api/v1/tenants", new { id = "acme", name = "Acme" }, Api.Ct)).JsonAsync();
            var adminKey = created.GetProperty("adminKey").GetString()!;
            var ingestKey = created.GetProperty("ingestKey").GetString()!;
            var admin = host.Client(adminKey);
            (await admin.PutDeploymentAsync("shop-prod", "restart")).EnsureSuccessStatusCode();

            var ingest = new Ingest();
            var probes = new Probes();
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, Senders).Select(_ => ingest.SendAsync(host.Client(ingestKey), stop.Token))
                .Append(probes.RunAsync(host.Client(adminKey), stop.Token))
                .ToList();
            await WaitForAsync(() => ingest.AcknowledgedSince(DateTime.MinValue) >= 30, TimeSpan.FromSeconds(120), "30 requests acknowledged before the outage", workers, ingest);

            // The outage. "down" is when storage is certainly unreachable; "up" when it is started or thawed again.
            var outageStart = DateTime.UtcNow;
            if (outage == Outage.Stopped)
            {
                await azurite.StopAsync();
            }
            else
            {
                azurite.Freeze();
            }

            var down = DateTime.UtcNow;

            // An admin's change while storage is down: refused, and then it must not live on in the grain's memory.
            var changing = TimedAsync(() => admin.PutDeploymentAsync("shop-prod", "restart", "scale-out"));
            var rest = LengthOf(outage) - (DateTime.UtcNow - outageStart);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest, Api.Ct);
            }
            var up = DateTime.UtcNow;
            if (outage == Outage.Stopped)
            {
                await azurite.RestartAsync();
            }
            else
            {
                azurite.Thaw();
            }

            var back = DateTime.UtcNow;
            var change = await changing;
            await WaitForAsync(() => ingest.AcknowledgedSince(back) >= 30, TimeSpan.FromSeconds(90), "30 requests acknowledged after the outage", workers, ingest);
            await stop.CancelAsync();
            await Task.WhenAll(workers);
            Assert.False(host.HasExited, "the host process ended during the outage");

            // Counted when every queue is empty and every acknowledged request is counted: only then can no copy come later.
            var queues = new QueueServiceClient(azurite.ConnectionString);
            var deadline = DateTime.UtcNow.AddMinutes(3);
            Dictionary<string, long> counts;
            while (true)
            {
                counts = await CountsAsync(admin);
                if (ingest.Acknowledged.All(r => counts.GetValueOrDefault(Ingest.ExceptionType(r)) >= EventsPerRequest)
                    && await SiloProcess.QueuedAsync(queues, queuePrefix, QueueCount) == 0)
                {
                    counts = await CountsAsync(admin);
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline,
                    $"3 minutes after the outage, {ingest.Acknowledged.Count(r => counts.GetValueOrDefault(Ingest.ExceptionType(r)) < EventsPerRequest)} acknowledged requests were still not counted, {await SiloProcess.QueuedAsync(queues, queuePrefix, QueueCount)} messages queued. Host log:\n{host.Log}");
                await Task.Delay(250, Api.Ct);
            }

            var allCounted = DateTime.UtcNow;
            var deploymentAfter = await (await admin.GetAsync("/api/v1/deployments/shop-prod", Api.Ct)).JsonAsync();

            // The first host's log, for a look at what it answered and why.
            var hostLog = Path.Combine(Path.GetTempPath(), $"hg-outage-{outage}.log");
            await File.WriteAllTextAsync(hostLog, host.Log, Api.Ct);

            // What the host shows now is what storage holds: a new host process, on the same storage, shows the same.
            await host.KillAsync();
            await host.DisposeAsync();
            host = new SiloProcess(RedisServer.FreePort(), settings);
            host.Start();
            await host.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(120));
            var restarted = host.Client(adminKey);
            var countsAfterRestart = await CountsAsync(restarted);
            var deploymentAfterRestart = await (await restarted.GetAsync("/api/v1/deployments/shop-prod", Api.Ct)).JsonAsync();

            var answers = ingest.Answers;
            var duringOutage = answers.Where(a => a.SentAt >= down && a.AnsweredAt <= up).ToList();
            var firstAckAfter = answers.Where(a => a.SentAt >= back && a.Status == 202).Min(a => (DateTime?)a.AnsweredAt);
            var lastRefusal = answers.Where(a => a.AnsweredAt >= back && a.Status != 202).Max(a => (DateTime?)a.AnsweredAt);
            var readyAgain = probes.Health.Where(p => p.SentAt >= back && p.Status == 200).Min(p => (DateTime?)p.AnsweredAt);
            output?.WriteLine(
                $"{outage}: {answers.Count} ingest requests, {answers.Count(a => a.Status == 202)} acknowledged ({answers.Count(a => a.Status == 202 && a.SentAt < outageStart)} before, {answers.Count(a => a.Status == 202 && a.SentAt >= back)} after the outage); "
                + $"{duringOutage.Count} sent and answered while storage was down: {Describe(duringOutage)}, slowest {Slowest(duringOutage)}; "
                + $"all answers: {Describe(answers)}, slowest {Slowest(answers)}; admin change {change.Status} in {change.Took.TotalMilliseconds:F0} ms; "
                + $"health during outage: {Describe(probes.Health.Where(p => p.SentAt >= down && p.AnsweredAt <= up).ToList())}; "
                + $"reads during outage: {Describe(probes.Reads.Where(p => p.SentAt >= down && p.AnsweredAt <= up).ToList())}, slowest {Slowest(probes.Reads)}; "
                + $"storage back {(back - outageStart).TotalSeconds:F1} s after it went ({(back - up).TotalSeconds:F1} s to start); first 202 {Seconds(firstAckAfter, back)} and ready {Seconds(readyAgain, back)} after it was back; "
                + $"all {ingest.Acknowledged.Count} acknowledged requests counted and queues empty {(allCounted - back).TotalSeconds:F1} s after; {counts.Count} fingerprints, {counts.Values.Sum()} events counted "
                + $"({ingest.Unacknowledged.Count(r => counts.ContainsKey(Ingest.ExceptionType(r)))} of {ingest.Unacknowledged.Count} unacknowledged requests counted)");

            output?.WriteLine($"last refusal {Seconds(lastRefusal, back)} after storage was back; why 503, during the outage: {Reasons(duringOutage)}; after it: {Reasons([.. answers.Where(a => a.SentAt >= back && a.Status == 503)])}; host log: {hostLog}");
            output?.WriteLine("timeline (s from the outage's start: answers by status): " + string.Join("; ", answers
                .GroupBy(a => (int)Math.Floor((a.SentAt - outageStart).TotalSeconds))
                .OrderBy(g => g.Key)
                .Select(g => $"{g.Key}: " + string.Join(" ", g.GroupBy(a => a.Status).Select(s => $"{s.Count()}×{s.Key}")))));
            output?.WriteLine($"down at {(down - outageStart).TotalSeconds:F1} s, up at {(up - outageStart).TotalSeconds:F1} s, back at {(back - outageStart).TotalSeconds:F1} s; unacknowledged but counted: "
                + string.Join(", ", answers.Where(a => a.Status != 202 && counts.ContainsKey(Ingest.ExceptionType(a.Request))).Select(a => $"#{a.Request} sent {(a.SentAt - outageStart).TotalSeconds:F1} s, {a.Status} after {a.Took.TotalMilliseconds:F0} ms")));

            // No answer but 202 and 503, none without Retry-After, none slower than the bound, none failed at the socket.
            Assert.All(answers, a => Assert.True(a.Status is 202 or 503, $"request {a.Request} was answered {a.Status}: {a.Body}"));
            Assert.All(answers.Where(a => a.Status == 503), a => Assert.True(a.RetryAfter && a.Problem, $"request {a.Request}: 503 without Retry-After or problem details: {a.Body}"));
            Assert.All(answers, a => Assert.True(a.Took <= AnswerBound, $"request {a.Request} took {a.Took.TotalSeconds:F1} s"));

            // While storage was down nothing was acknowledged, and every sender was told to come back later (see LengthOf).
            Assert.True(duringOutage.Count >= Senders, $"only {duringOutage.Count} requests were sent and answered during the outage");
            Assert.All(duringOutage, a => Assert.Equal(503, a.Status));
            // Stopped, the change is refused; frozen, it waits behind a held-up write and may be stored once storage answers.
            Assert.True(change.Status == 503 || (outage == Outage.Frozen && change.Status == 200), $"the admin's change was answered {change.Status}: {change.Body}");
            Assert.True(change.Status == 200 || (change.RetryAfter && change.Problem), "the admin's change was 503 without Retry-After or problem details");
            Assert.True(change.Took <= BusyGrainBound, $"the admin's change took {change.Took.TotalSeconds:F1} s");

            // Not ready while storage was down; reads answered 200 (from memory) or 503, nothing else.
            var healthDuring = probes.Health.Where(p => p.SentAt >= down && p.AnsweredAt <= up).ToList();
            Assert.NotEmpty(healthDuring);
            Assert.All(healthDuring, p => Assert.Equal(503, p.Status));
            Assert.All(probes.Health, p => Assert.True(p.Status is 200 or 503, $"/health/ready answered {p.Status}"));
            Assert.All(probes.Reads, p => Assert.True(p.Status is 200 or 503, $"{p.What} answered {p.Status}: {p.Body}"));
            Assert.All(probes.Reads.Where(p => p.Status == 503), p => Assert.True(p.RetryAfter && p.Problem, $"{p.What}: 503 without Retry-After or problem details"));
            Assert.All(probes.Health, p => Assert.True(p.Took <= AnswerBound, $"{p.What} took {p.Took.TotalSeconds:F1} s"));
            Assert.All(probes.Reads, p => Assert.True(p.Took <= (p.What.StartsWith("/api/v1/fingerprints", StringComparison.Ordinal) ? BusyGrainBound : AnswerBound), $"{p.What} took {p.Took.TotalSeconds:F1} s"));

            // Back without a restart, within the bound.
            Assert.True(firstAckAfter is { } ack && ack - back <= RecoveryBound, $"no 202 within {RecoveryBound.TotalSeconds} s after storage was back");
            Assert.True(lastRefusal is null || lastRefusal - back <= 2 * RecoveryBound, $"ingest was still refused {Seconds(lastRefusal, back)} after storage was back");
            Assert.True(readyAgain is { } ready && ready - back <= RecoveryBound, $"/health/ready was not 200 within {RecoveryBound.TotalSeconds} s after storage was back");

            // Every acknowledged request counted exactly once; what was not acknowledged may count, but once; nothing else.
            Assert.True(counts.Count < 1000, "more fingerprints than one list shows: send fewer requests");
            Assert.All(ingest.Acknowledged, r => Assert.Equal(EventsPerRequest, counts.GetValueOrDefault(Ingest.ExceptionType(r))));
            var sent = ingest.Acknowledged.Concat(ingest.Unacknowledged).Select(Ingest.ExceptionType).ToHashSet(StringComparer.Ordinal);
            Assert.All(counts, c => Assert.Contains(c.Key, sent));
            Assert.All(counts, c => Assert.Equal(EventsPerRequest, c.Value));

            // The host showed what storage holds: the same after a restart, and the refused change is not there.
            Assert.Equal(counts.OrderBy(c => c.Key, StringComparer.Ordinal), countsAfterRestart.OrderBy(c => c.Key, StringComparer.Ordinal));
            Assert.Equal(Capabilities(deploymentAfter), Capabilities(deploymentAfterRestart));
            Assert.Equal(deploymentAfter.GetProperty("fingerprintCount").GetInt32(), deploymentAfterRestart.GetProperty("fingerprintCount").GetInt32());
            Assert.Equal(counts.Count, deploymentAfter.GetProperty("fingerprintCount").GetInt32());
            if (outage == Outage.Stopped)
            {
                // Refused at the socket: the change cannot have been stored.
                Assert.Equal(new[] { "restart" }, Capabilities(deploymentAfter));
            }
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            await azurite.DisposeAsync();
            Directory.Delete(location, recursive: true);
        }
    }

    private static string[] Capabilities(JsonElement deployment) =>
        [.. deployment.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()!)];

    private static string Describe(IReadOnlyCollection<Answer> answers) =>
        answers.Count == 0 ? "none" : string.Join(", ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()}× {g.Key}"));

    // The problem details' detail, by how often: which part of the host refused.
    private static string Reasons(IReadOnlyCollection<Answer> answers) =>
        answers.Count == 0 ? "none" : string.Join(" | ", answers
            .GroupBy(a => Detail(a.Body))
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Count()}× \"{g.Key}\""));

    private static string Detail(string body)
    {
        try
        {
            var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString() ?? "";
            return detail.Length > 60 ? detail[..60] : detail;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return body.Length > 60 ? body[..60] : body;
        }
    }

    private static string Slowest(IReadOnlyCollection<Answer> answers) =>
        answers.Count == 0 ? "-" : $"{answers.Max(a => (a.Took).TotalMilliseconds):F0} ms";

    private static string Seconds(DateTime? at, DateTime since) => at is { } t ? $"{(t - since).TotalSeconds:F1} s" : "never";

    private static async Task WaitForAsync(Func<bool> done, TimeSpan patience, string what, IReadOnlyList<Task> workers, Ingest ingest)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!done())
        {
            var failed = workers.FirstOrDefault(w => w.IsFaulted);
            if (failed is not null)
            {
                await failed;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; answers so far: {Describe(ingest.Answers)}, why 503: {Reasons([.. ingest.Answers.Where(a => a.Status == 503)])}");
            await Task.Delay(50, Api.Ct);
        }
    }

    private static async Task<Answer> TimedAsync(Func<Task<HttpResponseMessage>> call)
    {
        var sentAt = DateTime.UtcNow;
        using var response = await call();
        return await Answer.OfAsync(0, "admin change", sentAt, response);
    }

    private static async Task<Dictionary<string, long>> CountsAsync(HttpClient admin)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await admin.GetAsync("/api/v1/fingerprints?deployment=shop-prod&limit=1000", Api.Ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (await response.JsonAsync()).EnumerateArray()
                    .ToDictionary(f => f.GetProperty("exceptionType").GetString()!, f => f.GetProperty("count").GetInt64(), StringComparer.Ordinal);
            }

            Assert.True(DateTime.UtcNow < deadline, $"the fingerprints could not be read: {response.StatusCode} {await response.Content.ReadAsStringAsync(Api.Ct)}");
            await Task.Delay(250, Api.Ct);
        }
    }

    /// <summary>One answer the test got, and when.</summary>
    private sealed record Answer(int Request, string What, DateTime SentAt, DateTime AnsweredAt, int Status, bool RetryAfter, bool Problem, string Body)
    {
        public TimeSpan Took => AnsweredAt - SentAt;

        public static async Task<Answer> OfAsync(int request, string what, DateTime sentAt, HttpResponseMessage response)
        {
            var body = await response.Content.ReadAsStringAsync(Api.Ct);
            return new Answer(
                request, what, sentAt, DateTime.UtcNow, (int)response.StatusCode,
                response.Headers.RetryAfter is not null,
                response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                body.Length > 500 ? body[..500] : body);
        }
    }

    /// <summary>
    /// Steady ingest: each sender posts one request after another, each request under an exception type (and so a
    /// fingerprint) of its own, so the counts say which requests were stored and how often. A 503 is retried after its
    /// Retry-After, as a client should; a request is never resent (a new one is), so nothing is stored twice by the test.
    /// </summary>
    private sealed class Ingest
    {
        private readonly ConcurrentBag<Answer> _answers = [];
        private int _next;

        public IReadOnlyList<Answer> Answers => [.. _answers];

        public IReadOnlyList<int> Acknowledged => [.. _answers.Where(a => a.Status == 202).Select(a => a.Request)];

        public IReadOnlyList<int> Unacknowledged => [.. _answers.Where(a => a.Status != 202).Select(a => a.Request)];

        public static string ExceptionType(int request) => $"Outage.Request{request:D5}Exception";

        public int AcknowledgedSince(DateTime at) => _answers.Count(a => a.Status == 202 && a.SentAt >= at);

        public async Task SendAsync(HttpClient client, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var request = Interlocked.Increment(ref _next);
                var sentAt = DateTime.UtcNow;
                Answer answer;
                try
                {
                    using var response = await client.PostAsJsonAsync("/api/v1/telemetry", Body(request), Api.Ct);
                    answer = await Answer.OfAsync(request, "ingest", sentAt, response);
                    var pause = answer.Status == 202
                        ? TimeSpan.FromMilliseconds(200)
                        : response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                    _answers.Add(answer);
                    await Task.Delay(pause, Api.Ct);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !Api.Ct.IsCancellationRequested)
                {
                    // No answer at all (the connection failed, or the client gave up after a minute): recorded as 0.
                    _answers.Add(new Answer(request, "ingest", sentAt, DateTime.UtcNow, 0, false, false, ex.Message));
                    await Task.Delay(200, Api.Ct);
                }
            }
        }

        private static object Body(int request) => new
        {
            deployment = "shop-prod",
            events = Enumerable.Range(0, EventsPerRequest).Select(i => new
            {
                kind = "error",
                timestamp = "2026-11-24T10:00:00Z",
                service = "shop",
                exceptionType = ExceptionType(request),
                message = $"Request {request} failed on attempt {i}",
                stackTrace = $"   at Shop.Orders.Place(Int32 id) in /src/Shop/Orders.cs:line {request}\n   at Shop.Api.PostOrder() in /src/Shop/Api.cs:line 7",
            }),
        };
    }

    /// <summary>What an orchestrator and an admin see meanwhile: readiness, and reads of the tenant's state.</summary>
    private sealed class Probes
    {
        private readonly ConcurrentBag<Answer> _health = [];
        private readonly ConcurrentBag<Answer> _reads = [];

        public IReadOnlyList<Answer> Health => [.. _health];

        public IReadOnlyList<Answer> Reads => [.. _reads];

        // Readiness and reads each on their own, as an orchestrator and an admin would. Readiness is asked every 250 ms
        // whether or not the last probe has answered, as orchestrators probe: a probe waits up to the check's 5 s on
        // frozen storage, and probes asked one after another could straddle the outage's start and end and leave none
        // inside it.
        public Task RunAsync(HttpClient admin, CancellationToken stop) => Task.WhenAll(HealthAsync(admin, stop), ReadsAsync(admin, stop));

        private async Task HealthAsync(HttpClient admin, CancellationToken stop)
        {
            var probes = new List<Task>();
            while (!stop.IsCancellationRequested)
            {
                probes.Add(Task.Run(async () => _health.Add(await GetAsync(admin, "/health/ready")), CancellationToken.None));
                await Task.Delay(250, Api.Ct);
            }

            await Task.WhenAll(probes);
        }

        private async Task ReadsAsync(HttpClient admin, CancellationToken stop)
        {
            string[] reads = ["/api/v1/deployments/shop-prod", "/api/v1/fingerprints?deployment=shop-prod&limit=1000", "/api/v1/policy"];
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                _reads.Add(await GetAsync(admin, reads[i % reads.Length]));
                await Task.Delay(250, Api.Ct);
            }
        }

        private static async Task<Answer> GetAsync(HttpClient client, string path)
        {
            var sentAt = DateTime.UtcNow;
            try
            {
                using var response = await client.GetAsync(path, Api.Ct);
                return await Answer.OfAsync(0, path, sentAt, response);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !Api.Ct.IsCancellationRequested)
            {
                return new Answer(0, path, sentAt, DateTime.UtcNow, 0, false, false, ex.Message);
            }
        }
    }
}
