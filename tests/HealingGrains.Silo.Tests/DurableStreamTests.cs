using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Queues;
using HealingGrains.Core.Fingerprinting;
using HealingGrains.Testing;

namespace HealingGrains.Silo.Tests;

/// <summary>
/// Three real silo processes on the durable diagnostics stream (Azure queues on Azurite, Redis clustering, Azure Table
/// state); one is killed with SIGKILL while telemetry keeps coming in.
/// </summary>
public sealed class DurableStreamTests
{
    private const string OperatorKey = "durable-operator-key-0123456789abcdef0123456789";
    private const int EventsPerRequest = 3;
    private const int ListLimit = 1000;
    private const int QueueCount = 8;

    [Fact]
    public async Task EveryAcknowledgedEventIsCountedExactlyOnceWhenASiloIsKilledDuringIngest()
    {
        await using var redis = await RedisServer.StartAsync();
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            var queuePrefix = "d" + Guid.NewGuid().ToString("N")[..8];
            var settings = new Dictionary<string, string>
            {
                ["HealingGrains__Storage__Provider"] = "AzureTable",
                ["HealingGrains__Storage__ConnectionString"] = azurite.ConnectionString,
                ["HealingGrains__Storage__TablePrefix"] = "d" + Guid.NewGuid().ToString("N")[..8],
                ["HealingGrains__Streams__Provider"] = "AzureQueue",
                ["HealingGrains__Streams__ConnectionString"] = azurite.ConnectionString,
                ["HealingGrains__Streams__QueuePrefix"] = queuePrefix,
                ["HealingGrains__Streams__QueueCount"] = QueueCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["HealingGrains__Streams__VisibilityTimeout"] = "00:00:10",
                ["HealingGrains__Clustering__Provider"] = "Redis",
                ["HealingGrains__Clustering__ConnectionString"] = redis.ConnectionString,
                ["HealingGrains__Clustering__ClusterId"] = "durable-" + Guid.NewGuid().ToString("N")[..6],
                ["HealingGrains__Bootstrap__OperatorKey"] = OperatorKey,
            };
            await using var a = new SiloProcess(RedisServer.FreePort(), settings);
            await using var b = new SiloProcess(RedisServer.FreePort(), settings);
            await using var c = new SiloProcess(RedisServer.FreePort(), settings);
            SiloProcess[] silos = [a, b, c];
            foreach (var silo in silos)
            {
                silo.Start();
            }

            foreach (var silo in silos)
            {
                await silo.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(90));
            }

            var created = await (await a.Client(OperatorKey).PostAsJsonAsync("/api/v1/tenants", new { id = "acme", name = "Acme" }, Api.Ct)).Content.ReadFromJsonAsync<JsonElement>(Api.Ct);
            var adminKey = created.GetProperty("adminKey").GetString()!;
            var ingestKey = created.GetProperty("ingestKey").GetString()!;
            (await a.Client(adminKey).PutDeploymentAsync("shop-prod", "restart")).EnsureSuccessStatusCode();

            // Steady ingest on all three silos; every request has a fingerprint of its own, so the counts tell which
            // requests landed and how often.
            var ingest = new Ingest();
            var killed = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
            var workers = silos.Select(silo => ingest.RunAsync(silo.Client(ingestKey), silo == b ? null : killed.Task)).ToList();
            while (ingest.AcknowledgedCount < 45)
            {
                Assert.True(workers.All(w => !w.IsCompleted), "an ingest worker stopped before the kill");
                await Task.Delay(20, Api.Ct);
            }

            await b.KillAsync();
            var killedAt = DateTime.UtcNow;
            killed.SetResult(killedAt);
            await Task.WhenAll(workers);

            // Done when every queue is empty (nothing left to deliver or deliver again) and every acknowledged request is
            // counted: only then can no copy arrive later.
            var queues = new QueueServiceClient(azurite.ConnectionString);
            var admin = c.Client(adminKey);
            var deadline = DateTime.UtcNow.AddMinutes(4);
            Dictionary<string, long> counts;
            while (true)
            {
                counts = await CountsAsync(admin, ingest);
                var allCounted = ingest.Acknowledged.All(r => counts.GetValueOrDefault(Ingest.ExceptionType(r)) >= EventsPerRequest);
                if (allCounted && await SiloProcess.QueuedAsync(queues, queuePrefix, QueueCount) == 0)
                {
                    // A delivery in flight when the queues emptied is applied before its message is deleted: read again.
                    counts = await CountsAsync(admin, ingest);
                    break;
                }

                if (DateTime.UtcNow >= deadline)
                {
                    WriteWarnings(silos);
                }

                Assert.True(DateTime.UtcNow < deadline,
                    $"after the kill, {ingest.Acknowledged.Count(r => counts.GetValueOrDefault(Ingest.ExceptionType(r)) < EventsPerRequest)} of {ingest.Acknowledged.Count} acknowledged requests were still not counted ({counts.Count} fingerprints read), {await SiloProcess.QueuedAsync(queues, queuePrefix, QueueCount)} messages queued");
                await Task.Delay(250, Api.Ct);
            }

            var recovery = DateTime.UtcNow - killedAt;
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"acknowledged {ingest.Acknowledged.Count} requests ({ingest.Acknowledged.Count * EventsPerRequest} events), "
                + $"{ingest.Unacknowledged.Count} sent without a 202 ({ingest.Unacknowledged.Count(r => counts.ContainsKey(Ingest.ExceptionType(r)))} of them counted), "
                + $"{counts.Values.Sum()} events counted; all counted and queues empty {recovery.TotalSeconds:F1} s after the kill");

            foreach (var request in ingest.Acknowledged)
            {
                Assert.Equal(EventsPerRequest, counts.GetValueOrDefault(Ingest.ExceptionType(request)));
            }

            // What was not acknowledged may or may not have been queued, but never counts twice; nothing else counts.
            var sent = ingest.Acknowledged.Concat(ingest.Unacknowledged).Select(Ingest.ExceptionType).ToHashSet(StringComparer.Ordinal);
            Assert.All(counts, c => Assert.Contains(c.Key, sent));
            Assert.All(counts, c => Assert.Equal(EventsPerRequest, c.Value));
            Assert.True(ingest.Acknowledged.Count(r => ingest.AcknowledgedAfter(r, killedAt)) >= 20, "too little was acknowledged after the kill");
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    // A failure here is rare and happens under CI's load: what the silos warned about is the only trace of why.
    private static void WriteWarnings(SiloProcess[] silos)
    {
        foreach (var silo in silos)
        {
            var lines = silo.Log.Split('\n');
            var warnings = lines
                .Select((line, i) => (line, i))
                .Where(l => l.line.Contains("warn:", StringComparison.Ordinal) || l.line.Contains("fail:", StringComparison.Ordinal) || l.line.Contains("crit:", StringComparison.Ordinal))
                .SelectMany(l => lines.Skip(l.i).Take(3))
                .TakeLast(600);
            TestContext.Current.TestOutputHelper?.WriteLine($"--- silo on port {silo.HttpPort}: its warnings and errors, each with the two lines after it ---");
            TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', warnings));
        }
    }

    // The deployment's fingerprints by exception type, with their counts. The list answers at most 1,000 (the API's
    // limit), so a run that sent more asks for the rest one by one: a list cut short once read as acknowledged requests
    // never counted.
    private static async Task<Dictionary<string, long>> CountsAsync(HttpClient admin, Ingest ingest)
    {
        try
        {
            var list = await (await admin.GetAsync($"/api/v1/fingerprints?deployment=shop-prod&limit={ListLimit}", Api.Ct)).JsonAsync();
            if (list.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            var counts = list.EnumerateArray().ToDictionary(f => f.GetProperty("exceptionType").GetString()!, f => f.GetProperty("count").GetInt64(), StringComparer.Ordinal);
            if (counts.Count < ListLimit)
            {
                return counts;
            }

            foreach (var request in ingest.Acknowledged.Concat(ingest.Unacknowledged).Where(r => !counts.ContainsKey(Ingest.ExceptionType(r))))
            {
                using var response = await admin.GetAsync($"/api/v1/fingerprints/{Ingest.FingerprintId(request)}", Api.Ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var one = await response.JsonAsync();
                    counts[one.GetProperty("exceptionType").GetString()!] = one.GetProperty("count").GetInt64();
                }
                else if (response.StatusCode != HttpStatusCode.NotFound)
                {
                    return [];
                }
            }

            return counts;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            // While the cluster notices the dead silo, a read may fail: the next poll reads again.
            return [];
        }
    }

    /// <summary>Request numbers handed out to the workers, and which of them were answered 202.</summary>
    private sealed class Ingest
    {
        private readonly ConcurrentDictionary<int, DateTime> _acknowledged = new();
        private readonly ConcurrentBag<int> _unacknowledged = [];
        private int _next;

        public int AcknowledgedCount => _acknowledged.Count;

        public IReadOnlyCollection<int> Acknowledged => [.. _acknowledged.Keys];

        public IReadOnlyCollection<int> Unacknowledged => [.. _unacknowledged];

        public static string ExceptionType(int request) => $"Durable.Request{request:D4}Exception";

        // The fingerprint the host computes for the request's events (their stack, as in Body).
        public static string FingerprintId(int request) =>
            ErrorFingerprint.ForStack(ExceptionType(request), StackTraceNormalizer.Normalize(StackTrace(request)));

        private static string StackTrace(int request) =>
            $"   at Shop.Orders.Place(Int32 id) in /src/Shop/Orders.cs:line {request}\n   at Shop.Api.PostOrder() in /src/Shop/Api.cs:line 7";

        public bool AcknowledgedAfter(int request, DateTime at) => _acknowledged.TryGetValue(request, out var when) && when > at;

        /// <summary>
        /// Sends requests one after another. The worker of the silo that is killed stops at its first failure after the
        /// kill; the others go on for at least 15 seconds after it, until the survivors acknowledged 20 requests more.
        /// </summary>
        public async Task RunAsync(HttpClient ingest, Task<DateTime>? killed)
        {
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (DateTime.UtcNow < deadline)
            {
                if (killed is { IsCompleted: true } && DateTime.UtcNow > killed.Result.AddSeconds(15)
                    && _acknowledged.Values.Count(at => at > killed.Result) >= 20)
                {
                    return;
                }

                var request = Interlocked.Increment(ref _next);
                TimeSpan? retryAfter = null;
                try
                {
                    using var response = await ingest.PostAsJsonAsync("/api/v1/telemetry", Body(request), Api.Ct);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        _acknowledged[request] = DateTime.UtcNow;
                        await Task.Delay(20, Api.Ct);
                        continue;
                    }

                    // Until membership declares the dead silo dead, a call to a grain that lived there is answered 503.
                    Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"request {request}: {response.StatusCode} {await response.Content.ReadAsStringAsync(Api.Ct)}");
                    retryAfter = response.Headers.RetryAfter?.Delta;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && killed is null)
                {
                    // The killed silo's connection dropped: whatever it was sending is unacknowledged, and it is gone.
                    _unacknowledged.Add(request);
                    return;
                }
                catch (TaskCanceledException) when (!Api.Ct.IsCancellationRequested)
                {
                    // A survivor that waited too long on the dead silo: the request may or may not have been queued.
                }

                _unacknowledged.Add(request);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(retryAfter?.TotalMilliseconds ?? 200, 1000)), Api.Ct);
            }

            Assert.Fail("an ingest worker ran for three minutes: the kill did not come, or the survivors did not recover");
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
                stackTrace = StackTrace(request),
            }),
        };
    }
}
