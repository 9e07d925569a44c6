using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace HealingGrains.Cli.Commands;

/// <summary>
/// <c>hg load</c>: many tenants and deployments sending batched or single-event requests to a running host, and what it
/// sustained: accepted events per second, server CPU-seconds per event, acknowledgement latency, and the time from an
/// acknowledged event to its fingerprint's count showing it.
/// </summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "The host, e.g. http://localhost:5080", Required = true };
        var operatorKey = new Option<string?>("--operator-key") { Description = "The host's operator key (or HG_OPERATOR_KEY): the load creates its own tenants" };
        var tenants = new Option<int>("--tenants") { Description = "Tenants sending", DefaultValueFactory = _ => 4 };
        var deployments = new Option<int>("--deployments") { Description = "Deployments per tenant", DefaultValueFactory = _ => 2 };
        var batch = new Option<int>("--batch") { Description = "Events per request (1 to 1,000; 1 sends single-event requests)", DefaultValueFactory = _ => 50 };
        var connections = new Option<int>("--connections") { Description = "Requests in flight at once", DefaultValueFactory = _ => 32 };
        var rate = new Option<double?>("--rate") { Description = "Target events per second, paced (default: as fast as the host answers)" };
        var duration = new Option<TimeSpan>("--duration") { Description = "How long to send (e.g. 00:00:30)", DefaultValueFactory = _ => TimeSpan.FromSeconds(30) };
        var serverPid = new Option<int?>("--server-pid") { Description = "The host's process id on this machine, to measure its CPU-seconds per event" };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this file" };
        var command = new Command("load", "Sends load to a running host from many tenants and deployments and reports throughput, CPU per event and latencies.")
        {
            url, operatorKey, tenants, deployments, batch, connections, rate, duration, serverPid, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            var key = parse.GetValue(operatorKey) ?? Environment.GetEnvironmentVariable("HG_OPERATOR_KEY");
            if (string.IsNullOrWhiteSpace(key))
            {
                await error.WriteLineAsync("hg load: give the operator key with --operator-key or HG_OPERATOR_KEY.");
                return ExitCodes.Usage;
            }

            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var host) || host.Scheme is not ("http" or "https"))
            {
                await error.WriteLineAsync($"hg load: --url '{parse.GetValue(url)}' is not an http(s) address such as http://localhost:5080.");
                return ExitCodes.Usage;
            }

            var settings = new LoadSettings(
                host, key, parse.GetValue(tenants), parse.GetValue(deployments), parse.GetValue(batch), parse.GetValue(connections),
                parse.GetValue(rate), parse.GetValue(duration), parse.GetValue(serverPid));
            if (settings.Problem() is { } problem)
            {
                await error.WriteLineAsync($"hg load: {problem}");
                return ExitCodes.Usage;
            }

            LoadResult result;
            try
            {
                result = await new LoadRunner(settings, error).RunAsync(cancellationToken);
            }
            catch (LoadSetupException ex)
            {
                await error.WriteLineAsync($"hg load: {ex.Message}");
                return ExitCodes.Failure;
            }

            await output.WriteLineAsync(result.ToString());
            if (parse.GetValue(json) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(result, LoadJson.Default.LoadResult), cancellationToken);
            }

            return result.Accepted > 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }
}

internal sealed record LoadSettings(
    Uri Host, string OperatorKey, int Tenants, int Deployments, int Batch, int Connections, double? Rate, TimeSpan Duration, int? ServerPid)
{
    public string? Problem() =>
        Tenants is < 1 or > 1_000 ? "--tenants must be from 1 to 1,000."
        : Deployments is < 1 or > 100 ? "--deployments must be from 1 to 100."
        : Batch is < 1 or > 1_000 ? "--batch must be from 1 to 1,000 (the API's limit per request)."
        : Connections is < 1 or > 4_096 ? "--connections must be from 1 to 4,096."
        : Rate is <= 0 ? "--rate must be positive."
        : Duration <= TimeSpan.Zero || Duration > TimeSpan.FromHours(24) ? "--duration must be positive and at most a day."
        : ServerPid is { } pid && !File.Exists($"/proc/{pid}/stat") ? $"--server-pid {pid}: no such process on this machine (or not Linux)."
        : null;
}

internal sealed class LoadSetupException(string message) : Exception(message);

/// <summary>What a load run measured.</summary>
internal sealed record LoadResult
{
    public required double Seconds { get; init; }

    public required long Requests { get; init; }

    /// <summary>Events acknowledged with 202.</summary>
    public required long Accepted { get; init; }

    /// <summary>Requests shed with 429 or 503.</summary>
    public required long Shed { get; init; }

    /// <summary>Requests that failed otherwise (other statuses, connection errors, time-outs).</summary>
    public required long Failed { get; init; }

    public required double EventsPerSecond { get; init; }

    public required double RequestsPerSecond { get; init; }

    /// <summary>Server CPU-seconds per accepted event; null without --server-pid.</summary>
    public double? ServerCpuSecondsPerEvent { get; init; }

    /// <summary>Accepted events per server CPU-second; null without --server-pid.</summary>
    public double? EventsPerServerCpuSecond { get; init; }

    public required double AckP50Ms { get; init; }

    public required double AckP99Ms { get; init; }

    public required int Probes { get; init; }

    public double? IngestToFingerprintP50Ms { get; init; }

    public double? IngestToFingerprintP99Ms { get; init; }

    public double? IngestToFingerprintP999Ms { get; init; }

    /// <summary>Seconds from the start to the first request shed; null when none was.</summary>
    public double? FirstShedSeconds { get; init; }

    /// <summary>How fast the host answered the requests it shed (p99), in milliseconds; null when none was.</summary>
    public double? ShedP99Ms { get; init; }

    /// <summary>Each whole second of the run: events accepted and requests shed in it.</summary>
    public required IReadOnlyList<LoadSecond> Timeline { get; init; }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Seconds:0.0} s: {Requests:N0} requests, {Accepted:N0} events accepted ({EventsPerSecond:N0}/s, {RequestsPerSecond:N0} requests/s), {Shed:N0} shed, {Failed:N0} failed");
        if (ServerCpuSecondsPerEvent is { } cpu && EventsPerServerCpuSecond is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"server CPU: {cpu * 1e6:0.0} µs per event, {EventsPerServerCpuSecond:N0} events per CPU-second");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"ack latency: p50 {AckP50Ms:0.00} ms, p99 {AckP99Ms:0.00} ms");
        if (FirstShedSeconds is { } firstShed)
        {
            // After the first five seconds (the warm-up of a run), how steady acceptance stayed while the host shed.
            var steady = Timeline.Skip(5).Select(t => (double)t.AcceptedEvents).Order().ToArray();
            text.AppendLine(CultureInfo.InvariantCulture, $"shed: the first after {firstShed:0.00} s, answered in p99 {ShedP99Ms:0.00} ms");
            if (steady.Length > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"accepted per second after the first 5 s: min {steady[0]:N0}, median {steady[steady.Length / 2]:N0} events");
            }

            // Whether the excess is shed at once: the share of each second's answered requests that were shed.
            var shares = Timeline.Select(t => t.AnsweredRequests == 0 ? 0 : (double)t.ShedRequests / t.AnsweredRequests).ToArray();
            var later = shares.Skip(5).Order().ToArray();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"shed share of each second's requests: {string.Join(", ", shares.Take(5).Select((share, second) => $"{second}-{second + 1} s {share:P0}"))}{(later.Length > 0 ? $"; after the first 5 s median {later[later.Length / 2]:P0}, min {later[0]:P0}, max {later[^1]:P0}" : "")}");
        }

        text.Append(IngestToFingerprintP50Ms is { } p50
            ? string.Create(CultureInfo.InvariantCulture, $"ingest to fingerprint updated ({Probes} probes): p50 {p50:0.00} ms, p99 {IngestToFingerprintP99Ms:0.00} ms, p99.9 {IngestToFingerprintP999Ms:0.00} ms")
            : "ingest to fingerprint updated: no probe completed");
        return text.ToString();
    }
}

/// <summary>One second of a load run: events accepted, requests shed and requests answered in it.</summary>
internal sealed record LoadSecond(int Second, long AcceptedEvents, long ShedRequests, long AnsweredRequests);

[System.Text.Json.Serialization.JsonSerializable(typeof(LoadResult))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
internal sealed partial class LoadJson : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>Runs one load: sets up tenants and deployments, sends, probes, and measures.</summary>
internal sealed class LoadRunner(LoadSettings settings, TextWriter progress)
{
    // Messages like a real service's errors: a few dozen templates with numbers that vary.
    private static readonly string[] Templates =
    [
        "Timeout after {0} ms calling inventory-svc for order {1}",
        "Npgsql.NpgsqlException: connection to 10.0.{0}.{1}:5432 refused",
        "Redis connection lost (attempt {0}), {1} commands pending",
        "OutOfMemoryException allocating {0} bytes in batch {1}",
        "HTTP 503 from payments-api after {0} ms (request {1})",
        "Disk /var/lib/app at {0}% full, {1} MB free",
        "NullReferenceException in CheckoutController.Apply line {0} (cart {1})",
        "Kafka consumer lag {0} on partition {1}",
        "JWT validation failed: token expired {0} s ago for client {1}",
        "Deadlock detected on table orders, victim session {0}, retry {1}",
    ];

    // Each tenant's ingest client with each of its deployments (the probe tenant apart).
    private readonly List<List<(HttpClient Client, string Deployment)>> _tenants = [];
    private readonly List<double> _acks = [];
    private readonly List<double> _probes = [];
    private readonly List<double> _sheds = [];
    private readonly List<(double At, long Accepted, bool Shed)> _answers = [];
    private readonly Lock _lock = new();
    private long _requests;
    private long _accepted;
    private long _shed;
    private long _failed;

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = settings.Connections + 4, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler, disposeHandler: true) { BaseAddress = settings.Host, Timeout = TimeSpan.FromSeconds(30) };
        var probe = await SetUpAsync(http, cancellationToken);

        // Each sender keeps to one tenant (its deployments in turn at random), and the connections are open before the
        // clock starts: what is measured is the host under load, not a first second spent connecting (with 1,024
        // senders that second decided when the first request was shed).
        progress.WriteLine($"hg load: opening {settings.Connections} connections");
        var connections = Enumerable.Range(0, settings.Connections)
            .Select(i => settings.Host.Scheme == Uri.UriSchemeHttp
                ? new LoadConnection(settings.Host, _tenants[i % _tenants.Count][0].Client.DefaultRequestHeaders.Authorization!.ToString())
                : null)
            .ToList();
        await Task.WhenAll(Enumerable.Range(0, settings.Connections).Select(i => connections[i] is { } connection
            ? connection.OpenAsync(cancellationToken)
            : OpenAsync(_tenants[i % _tenants.Count][0].Client, cancellationToken)));

        var cpuBefore = ServerCpuSeconds();
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(settings.Duration);
        var perConnection = settings.Rate is { } total ? total / settings.Batch / settings.Connections : (double?)null;
        var senders = Enumerable.Range(0, settings.Connections).Select(i => SendLoopAsync(_tenants[i % _tenants.Count], connections[i], i, perConnection, clock, stop.Token)).ToList();
        var prober = ProbeLoopAsync(http, probe, stop.Token);
        var reporter = ReportLoopAsync(clock, stop.Token);
        await Task.WhenAll([.. senders, prober, reporter]);
        foreach (var connection in connections)
        {
            connection?.Dispose();
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var cpuAfter = ServerCpuSeconds();

        double[] acks;
        double[] probes;
        double[] sheds;
        List<(double At, long Accepted, bool Shed)> answers;
        lock (_lock)
        {
            acks = [.. _acks.Order()];
            probes = [.. _probes.Order()];
            sheds = [.. _sheds.Order()];
            answers = [.. _answers];
        }

        var acceptedIn = new long[(int)Math.Floor(seconds)];
        var shedIn = new long[acceptedIn.Length];
        var answeredIn = new long[acceptedIn.Length];
        foreach (var (at, events, shed) in answers.Where(a => (int)a.At < acceptedIn.Length))
        {
            acceptedIn[(int)at] += events;
            shedIn[(int)at] += shed ? 1 : 0;
            answeredIn[(int)at]++;
        }

        var timeline = acceptedIn.Select((events, second) => new LoadSecond(second, events, shedIn[second], answeredIn[second])).ToList();

        var cpu = cpuBefore is { } before && cpuAfter is { } after && _accepted > 0 ? (after - before) / _accepted : (double?)null;
        return new LoadResult
        {
            Seconds = seconds,
            Requests = _requests,
            Accepted = _accepted,
            Shed = _shed,
            Failed = _failed,
            EventsPerSecond = _accepted / seconds,
            RequestsPerSecond = _requests / seconds,
            ServerCpuSecondsPerEvent = cpu,
            EventsPerServerCpuSecond = cpu is > 0 ? 1 / cpu : null,
            AckP50Ms = Percentile(acks, 0.50),
            AckP99Ms = Percentile(acks, 0.99),
            Probes = probes.Length,
            IngestToFingerprintP50Ms = probes.Length == 0 ? null : Percentile(probes, 0.50),
            IngestToFingerprintP99Ms = probes.Length == 0 ? null : Percentile(probes, 0.99),
            IngestToFingerprintP999Ms = probes.Length == 0 ? null : Percentile(probes, 0.999),
            FirstShedSeconds = answers.Where(a => a.Shed).Select(a => (double?)a.At).Min(),
            ShedP99Ms = sheds.Length == 0 ? null : Percentile(sheds, 0.99),
            Timeline = timeline,
        };
    }

    // Tenants (each with its deployments), and one more tenant whose single deployment takes only the probes.
    private async Task<(HttpClient Admin, HttpClient Ingest)> SetUpAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var run = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString("x", CultureInfo.InvariantCulture);
        progress.WriteLine($"hg load: creating {settings.Tenants} tenants with {settings.Deployments} deployments each (run {run})");
        for (var t = 0; t <= settings.Tenants; t++)
        {
            var id = t == settings.Tenants ? $"load-{run}-probe" : $"load-{run}-{t}";
            using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tenants")
            {
                Content = new StringContent($$"""{"id":"{{id}}","name":"Load {{id}}"}""", Encoding.UTF8, "application/json"),
            };
            create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.OperatorKey);
            using var created = await http.SendAsync(create, cancellationToken);
            if (created.StatusCode != HttpStatusCode.Created)
            {
                throw new LoadSetupException($"creating tenant {id} answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync(cancellationToken)}");
            }

            using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(cancellationToken));
            var admin = Client(body.RootElement.GetProperty("adminKey").GetString()!);
            var ingest = Client(body.RootElement.GetProperty("ingestKey").GetString()!);
            var targets = new List<(HttpClient Client, string Deployment)>();
            for (var d = 0; d < (t == settings.Tenants ? 1 : settings.Deployments); d++)
            {
                var deployment = $"svc-{d}";
                using var put = await admin.PutAsync($"/api/v1/deployments/{deployment}",
                    new StringContent("""{"service":"svc","environment":"prod","capabilities":["restart"]}""", Encoding.UTF8, "application/json"), cancellationToken);
                if (!put.IsSuccessStatusCode)
                {
                    throw new LoadSetupException($"registering deployment {deployment} of {id} answered {(int)put.StatusCode}");
                }

                if (t == settings.Tenants)
                {
                    return (admin, ingest);
                }

                targets.Add((ingest, deployment));
            }

            _tenants.Add(targets);
        }

        throw new InvalidOperationException("The probe tenant was not created.");

        HttpClient Client(string key)
        {
            var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Connections + 4 }) { BaseAddress = settings.Host, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        }
    }

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private static async Task<(HttpStatusCode Status, TimeSpan? RetryAfter)> PostAsync(HttpClient client, string body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/api/v1/telemetry", content, cancellationToken);
        return (response.StatusCode, response.Headers.RetryAfter?.Delta);
    }

    // A request that needs a connection of its own while the others are in flight: the pool opens one for it.
    private static async Task OpenAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync("/health/live", cancellationToken);
    }

    // Over plain http a sender writes its requests on a connection of its own (LoadConnection); over https through the
    // tenant's HttpClient. Either way a request not answered in 30 s has failed.
    private async Task SendLoopAsync(
        List<(HttpClient Client, string Deployment)> targets, LoadConnection? connection, int index, double? requestsPerSecond, Stopwatch clock, CancellationToken stop)
    {
        var random = new Random(index);
        var sent = 0L;
        var timeout = new CancellationTokenSource();
        while (!stop.IsCancellationRequested)
        {
            if (requestsPerSecond is { } pace)
            {
                // Each sender keeps its own phase, a share of the interval by its index, so that the senders together
                // send evenly: in phase, 1,024 senders at 3 requests a second each sent bursts of 1,024 requests
                // three times a second, and an overload run measured the bursts.
                var due = TimeSpan.FromSeconds((sent + ((double)index / settings.Connections)) / pace);
                if (due > clock.Elapsed && !await DelayAsync(due - clock.Elapsed, stop))
                {
                    break;
                }
            }

            var (client, deployment) = targets[random.Next(targets.Count)];
            var body = Body(deployment, settings.Batch, random);
            var started = Stopwatch.GetTimestamp();
            try
            {
                timeout.CancelAfter(RequestTimeout);
                var (status, retryAfter) = connection is not null
                    ? await connection.PostAsync(body, timeout.Token)
                    : await PostAsync(client, body, timeout.Token);
                ResetTimeout();
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Interlocked.Increment(ref _requests);
                if (status == HttpStatusCode.Accepted)
                {
                    Interlocked.Add(ref _accepted, settings.Batch);
                    lock (_lock)
                    {
                        _acks.Add(elapsed);
                        _answers.Add((clock.Elapsed.TotalSeconds, settings.Batch, false));
                    }
                }
                else if (status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
                {
                    Interlocked.Increment(ref _shed);
                    lock (_lock)
                    {
                        _sheds.Add(elapsed);
                        _answers.Add((clock.Elapsed.TotalSeconds, 0, true));
                    }

                    // Unpaced, a sender is one client, and waits as it is told before it sends again: sending again at
                    // once turned a shed answer into another request at once, and the host's and the generator's CPU
                    // into answering retries. (Paced, the senders stand for many clients and keep to the schedule.)
                    if (requestsPerSecond is null && retryAfter is { } delay && !await DelayAsync(delay, stop))
                    {
                        break;
                    }
                }
                else
                {
                    Interlocked.Increment(ref _failed);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                Interlocked.Increment(ref _requests);
                Interlocked.Increment(ref _failed);
                ResetTimeout();
            }

            sent++;
        }

        timeout.Dispose();

        // The timeout's source serves request after request; one that fired is replaced.
        void ResetTimeout()
        {
            if (!timeout.TryReset())
            {
                timeout.Dispose();
                timeout = new CancellationTokenSource();
            }
        }
    }

    // One probe at a time: note the fingerprint's count, send one event, and poll until the count shows it (so a latency
    // over 20 ms is known to within 5 ms).
    private async Task ProbeLoopAsync(HttpClient http, (HttpClient Admin, HttpClient Ingest) probe, CancellationToken stop)
    {
        _ = http;
        string? fingerprint = null;
        var random = new Random(7);
        while (!stop.IsCancellationRequested)
        {
            var before = fingerprint is null ? 0 : await CountAsync(probe.Admin, fingerprint);
            var started = Stopwatch.GetTimestamp();
            using var content = new StringContent(Body("svc-0", 1, random, "Probe timeout after {0} ms in checkout {1}"), Encoding.UTF8, "application/json");
            using var sent = await probe.Ingest.PostAsync("/api/v1/telemetry", content, CancellationToken.None);
            if (sent.StatusCode != HttpStatusCode.Accepted)
            {
                await DelayAsync(TimeSpan.FromMilliseconds(100), stop);
                continue;
            }

            while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30) && !stop.IsCancellationRequested)
            {
                fingerprint ??= await FirstFingerprintAsync(probe.Admin);
                if (fingerprint is not null && await CountAsync(probe.Admin, fingerprint) > before)
                {
                    lock (_lock)
                    {
                        _probes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }

                    break;
                }

                // Every millisecond for the first 20 ms (the range the latency bar is about), then every 5: each poll is a
                // request the host serves, and polling at 1 kHz through a long backlog would cost it CPU the load is
                // meant to measure.
                await Task.Delay(Stopwatch.GetElapsedTime(started) < TimeSpan.FromMilliseconds(20) ? 1 : 5, CancellationToken.None);
            }

            if (!await DelayAsync(TimeSpan.FromMilliseconds(20), stop))
            {
                break;
            }
        }
    }

    private static async Task<string?> FirstFingerprintAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync("/api/v1/fingerprints?deployment=svc-0", CancellationToken.None);
        using var list = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None));
        return list.RootElement.ValueKind == JsonValueKind.Array && list.RootElement.GetArrayLength() > 0 ? list.RootElement[0].GetProperty("id").GetString() : null;
    }

    private static async Task<long> CountAsync(HttpClient admin, string fingerprint)
    {
        using var response = await admin.GetAsync($"/api/v1/fingerprints/{fingerprint}", CancellationToken.None);
        if (!response.IsSuccessStatusCode)
        {
            return 0;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None));
        return body.RootElement.GetProperty("count").GetInt64();
    }

    private async Task ReportLoopAsync(Stopwatch clock, CancellationToken stop)
    {
        var last = 0L;
        while (await DelayAsync(TimeSpan.FromSeconds(1), stop))
        {
            var accepted = Interlocked.Read(ref _accepted);
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"hg load: {clock.Elapsed.TotalSeconds,5:0} s / {settings.Duration.TotalSeconds:0} s  {accepted - last,9:N0} events/s  {Interlocked.Read(ref _shed):N0} shed  {Interlocked.Read(ref _failed):N0} failed  {_probes.Count} probes"));
            last = accepted;
        }
    }

    private static string Body(string deployment, int events, Random random, string? template = null)
    {
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var text = new StringBuilder(64 + (events * 160));
        text.Append("{\"deployment\":\"").Append(deployment).Append("\",\"events\":[");
        for (var i = 0; i < events; i++)
        {
            var message = string.Format(CultureInfo.InvariantCulture, template ?? Templates[random.Next(Templates.Length)], random.Next(1, 100_000), random.Next(1, 1_000));
            text.Append(i == 0 ? "" : ",").Append("{\"kind\":\"error\",\"timestamp\":\"").Append(now).Append("\",\"message\":\"").Append(message).Append("\"}");
        }

        return text.Append("]}").ToString();
    }

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // utime + stime of the server process, from /proc (clock ticks of 1/100 s, the Linux USER_HZ).
    private double? ServerCpuSeconds()
    {
        if (settings.ServerPid is not { } pid)
        {
            return null;
        }

        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
