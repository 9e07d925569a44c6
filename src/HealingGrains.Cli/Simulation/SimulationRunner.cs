using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HealingGrains.Core.Healing;
using HealingGrains.Core.Simulation;

namespace HealingGrains.Cli.Simulation;

/// <summary>
/// Drives a host through incidents: a simulated deployment reports a fault's error, the simulated admin approves what
/// waits, the simulated agent runs the approved action and reports an outcome drawn from the fault's hidden
/// probabilities. Incidents run one at a time, so with a seeded host a run replays exactly, unless releases are
/// simulated: then a failed action also proposes its rollback plan, and which open proposal the agent sees first
/// depends on timing.
/// </summary>
internal sealed class SimulationRunner(HttpClient http, string operatorKey, SimulationWorld world, TextWriter progress, SimulationOptions? options = null)
{
    private readonly SimulationOptions _options = options ?? new SimulationOptions();

    private static readonly TimeSpan ActionTimeout = TimeSpan.FromSeconds(20);

    public async Task<IReadOnlyList<IncidentResult>> RunAsync(int incidents, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var run = Guid.NewGuid().ToString("N")[..6];
        var tenants = new List<(HttpClient Admin, HttpClient Ingest, string[] Deployments)>();
        for (var t = 0; t < world.Tenants; t++)
        {
            var id = $"sim-{run}-{t + 1}";
            var created = await SendAsync(HttpMethod.Post, "/api/v1/tenants", operatorKey, new { id, name = $"Simulated tenant {t + 1}" }, cancellationToken);
            var admin = Client(created.GetProperty("adminKey").GetString()!);
            var ingest = Client(created.GetProperty("ingestKey").GetString()!);
            var deployments = new[] { "app-prod", "app-staging" };
            foreach (var d in deployments)
            {
                await SendAsync(admin, HttpMethod.Put, $"/api/v1/deployments/{d}", new { service = "app", environment = d[4..], capabilities = world.Kinds }, cancellationToken);
                if (_options.Releases > 0)
                {
                    await ReleaseAsync(ingest, d, "1.0.0", settled: true, cancellationToken);
                }
            }

            if (_options.ApprovalThreshold is not null || _options.MaxRisk is not null || _options.AutoDowngradeFloor is not null)
            {
                // The simulation's clock runs far faster than the host's: an hourly limit would count days of incidents.
                var policy = new Dictionary<string, double>(StringComparer.Ordinal) { ["maxAutoActionsPerDeploymentPerHour"] = 10_000 };
                if (_options.ApprovalThreshold is { } threshold)
                {
                    policy["approvalThreshold"] = threshold;
                }

                if (_options.MaxRisk is { } maxRisk)
                {
                    policy["maxRisk"] = maxRisk;
                }

                if (_options.AutoDowngradeFloor is { } floor)
                {
                    policy["autoDowngradeFloor"] = floor;
                }

                await SendAsync(admin, HttpMethod.Put, "/api/v1/policy", policy, cancellationToken);
            }

            tenants.Add((admin, ingest, deployments));
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var results = new List<IncidentResult>(incidents);
        var rule = RuleBook.Choose(world.Kinds, followsVersion: null)!.Value.Kind;
        var fresh = new HashSet<string>(StringComparer.Ordinal);
        var trainAfter = _options.TrainAfter ?? incidents / 3;
        for (var i = 0; i < incidents; i++)
        {
            if (_options.RiskAssessor && i == trainAfter)
            {
                await TrainRiskAssessorAsync(cancellationToken);
            }

            var fault = world.Faults[random.Next(world.Faults.Count)];
            var (admin, ingest, deployments) = tenants[fault.Tenant];
            var deployment = deployments[random.Next(deployments.Length)];
            var message = fault.Message(random);

            // Some incidents come right after a release; the others on a deployment that has run for days.
            var afterRelease = _options.Releases > 0 && random.NextDouble() < _options.Releases;
            var key = $"{fault.Tenant}/{deployment}";
            if (afterRelease)
            {
                await ReleaseAsync(ingest, deployment, $"2.{i}.0", settled: false, cancellationToken);
                fresh.Add(key);
            }
            else if (fresh.Remove(key))
            {
                await ReleaseAsync(ingest, deployment, $"2.{i}.0", settled: true, cancellationToken);
            }

            await SendAsync(ingest, HttpMethod.Post, "/api/v1/telemetry", new
            {
                deployment,
                events = new[] { new { kind = "error", exceptionType = fault.ExceptionType, message } },
            }, cancellationToken);

            var action = await WaitForActionAsync(ingest, deployment, cancellationToken);
            var id = action.GetProperty("id").GetString()!;
            var kind = action.GetProperty("kind").GetString()!;
            var automatic = action.GetProperty("state").GetString() != "PendingApproval";
            if (!automatic)
            {
                await SendAsync(admin, HttpMethod.Post, $"/api/v1/actions/{id}/approve", new { comment = "simulated admin" }, cancellationToken);
            }

            var chosen = fault.Success(kind, afterRelease);
            var succeeded = random.NextDouble() < chosen;
            await SendAsync(ingest, HttpMethod.Post, $"/api/v1/actions/{id}/outcome", new { succeeded, detail = "simulated agent" }, cancellationToken);

            var n = seen[fault.Name] = seen.GetValueOrDefault(fault.Name) + 1;
            results.Add(new IncidentResult(
                i + 1, fault.Name, n, kind, chosen, fault.BestIn(afterRelease),
                fault.SuccessProbability.Keys.Average(k => fault.Success(k, afterRelease)), fault.Success(rule, afterRelease), succeeded,
                afterRelease, automatic));
            if ((i + 1) % 25 == 0 || i + 1 == incidents)
            {
                await progress.WriteLineAsync($"[{i + 1}/{incidents}] incidents");
            }
        }

        return results;
    }

    // A release reported by the tenant's pipeline. A settled one is dated days back: the simulation's clock runs faster
    // than the host's, so "the running version has been up for days" is said by its deployment time.
    private static Task<JsonElement> ReleaseAsync(HttpClient ingest, string deployment, string version, bool settled, CancellationToken cancellationToken) =>
        SendAsync(ingest, HttpMethod.Post, $"/api/v1/deployments/{deployment}/versions", new
        {
            version,
            deployedAt = settled ? DateTimeOffset.UtcNow.AddDays(-3) : DateTimeOffset.UtcNow,
        }, cancellationToken);

    // The operator has the host train a risk assessor on the outcomes so far and activates it.
    private async Task TrainRiskAssessorAsync(CancellationToken cancellationToken)
    {
        await progress.WriteLineAsync("training the risk assessor on the outcomes so far…");
        var operatorClient = Client(operatorKey);
        var trained = await SendAsync(operatorClient, HttpMethod.Post, "/api/v1/models/risk-assessor/train", null, cancellationToken);
        var version = trained.GetProperty("version").GetInt32();
        var brier = trained.GetProperty("metrics").GetProperty("brier").GetDouble();
        await SendAsync(operatorClient, HttpMethod.Post, $"/api/v1/models/risk-assessor/versions/{version}/promote", null, cancellationToken);
        await progress.WriteLineAsync(System.FormattableString.Invariant(
            $"risk assessor version {version} active (held-out Brier score {brier:F3}); waiting {_options.ModelSwitch.TotalSeconds:F0} s for the host to switch…"));
        await Task.Delay(_options.ModelSwitch, cancellationToken);
    }

    internal static async Task<JsonElement> WaitForActionAsync(HttpClient ingest, string deployment, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ActionTimeout;
        while (true)
        {
            var open = await SendAsync(ingest, HttpMethod.Get, $"/api/v1/deployments/{deployment}/actions", null, cancellationToken);
            if (open.GetArrayLength() > 0)
            {
                return open[0];
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No action was proposed on {deployment} within {ActionTimeout.TotalSeconds} s.");
            }

            // Ingest is asynchronous (a stream between the API and the classifier): poll briefly.
            await Task.Delay(10, cancellationToken);
        }
    }

    private HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = http.BaseAddress, Timeout = http.Timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private Task<JsonElement> SendAsync(HttpMethod method, string path, string key, object? body, CancellationToken cancellationToken)
    {
        var client = Client(key);
        return SendAsync(client, method, path, body, cancellationToken);
    }

    // A host that sheds (429 or 503 with Retry-After) is asked again after the delay it names, as a real client would;
    // shedding says nothing about the healing loop the simulation measures.
    private const int MaxRetries = 10;

    internal static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await client.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            }

            if (attempt < MaxRetries
                && response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                && response.Headers.RetryAfter?.Delta is { } delay)
            {
                await Task.Delay(delay < TimeSpan.FromSeconds(10) ? delay : TimeSpan.FromSeconds(10), cancellationToken);
                continue;
            }

            throw new HttpRequestException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        }
    }
}
