using System.Net.Http.Headers;
using HealingGrains.Core.Healing;
using HealingGrains.Core.Simulation;

namespace HealingGrains.Cli.Simulation;

/// <summary>
/// <c>hg simulate --federation</c>: the world's tenants (policy <c>both</c>) all suffer every fault and learn them, each
/// printing the errors with its own service and host names; then newcomers meet every fault once, in pairs from the same
/// run: one consumes federated knowledge, one (policy <c>none</c>) does not. What counts is each newcomer's first
/// proposal per fault against the oracle's.
/// </summary>
internal sealed class FederationSimulation(HttpClient http, string operatorKey, SimulationWorld world, TextWriter progress, int newcomers)
{
    // Each organisation's own service name: a plain word, which only federation's masking of the tenant's own words
    // keeps out of the signature.
    private static readonly string[] Services =
    [
        "ledger", "orbit", "atlas", "nimbus", "quasar", "zephyr", "comet", "harbor", "summit", "falcon",
        "meadow", "cobalt", "tundra", "prairie", "canyon", "lagoon", "glacier", "sierra", "willow", "ember",
    ];

    private static readonly string[] Deployments = ["app-prod", "app-staging"];

    public async Task<FederationSimulationResult> RunAsync(int incidents, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var run = Guid.NewGuid().ToString("N")[..6];
        var names = 0;
        var members = new List<Organisation>();
        for (var t = 0; t < world.Tenants; t++)
        {
            members.Add(await CreateAsync($"sim-{run}-{t + 1}", Services[names++ % Services.Length], "both", cancellationToken));
        }

        var pairs = new List<(Organisation WithFederation, Organisation Without)>();
        for (var n = 0; n < newcomers; n++)
        {
            pairs.Add((
                await CreateAsync($"sim-{run}-new-{n + 1}", Services[names++ % Services.Length], "consume", cancellationToken),
                await CreateAsync($"sim-{run}-alone-{n + 1}", Services[names++ % Services.Length], "none", cancellationToken)));
        }

        var rule = RuleBook.Choose(world.Kinds, followsVersion: null)!.Value.Kind;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var learning = new List<IncidentResult>(incidents);
        for (var i = 0; i < incidents; i++)
        {
            var member = members[random.Next(members.Count)];
            var fault = world.Faults[random.Next(world.Faults.Count)];
            var n = seen[$"{member.Id}/{fault.Name}"] = seen.GetValueOrDefault($"{member.Id}/{fault.Name}") + 1;
            learning.Add(await IncidentAsync(member, fault, i + 1, n, rule, random, cancellationToken));
            if ((i + 1) % 25 == 0 || i + 1 == incidents)
            {
                await progress.WriteLineAsync($"[{i + 1}/{incidents}] incidents at the {members.Count} sharing tenants");
            }
        }

        var with = new List<IncidentResult>();
        var without = new List<IncidentResult>();
        foreach (var fault in world.Faults)
        {
            foreach (var (withFederation, alone) in pairs)
            {
                with.Add(await IncidentAsync(withFederation, fault, with.Count + 1, 1, rule, random, cancellationToken));
                without.Add(await IncidentAsync(alone, fault, without.Count + 1, 1, rule, random, cancellationToken));
            }

            await progress.WriteLineAsync($"[{with.Count}/{world.Faults.Count * pairs.Count}] newcomers' first incidents ({fault.Name})");
        }

        return new FederationSimulationResult(learning, with, without);
    }

    private static async Task<IncidentResult> IncidentAsync(
        Organisation organisation, Fault fault, int index, int indexWithinFault, string rule, Random random, CancellationToken cancellationToken)
    {
        var deployment = Deployments[random.Next(Deployments.Length)];
        var message = $"{fault.Message(random)} (service {organisation.Service}, host vm-{random.Next(1, 40)}.{organisation.Service}.internal)";
        await SimulationRunner.SendAsync(organisation.Ingest, HttpMethod.Post, "/api/v1/telemetry", new
        {
            deployment,
            events = new[] { new { kind = "error", service = organisation.Service, exceptionType = fault.ExceptionType, message } },
        }, cancellationToken);

        var action = await SimulationRunner.WaitForActionAsync(organisation.Ingest, deployment, cancellationToken);
        var id = action.GetProperty("id").GetString()!;
        var kind = action.GetProperty("kind").GetString()!;
        var automatic = action.GetProperty("state").GetString() != "PendingApproval";
        if (!automatic)
        {
            await SimulationRunner.SendAsync(organisation.Admin, HttpMethod.Post, $"/api/v1/actions/{id}/approve", new { comment = "simulated admin" }, cancellationToken);
        }

        var chosen = fault.Success(kind, afterRelease: false);
        var succeeded = random.NextDouble() < chosen;
        await SimulationRunner.SendAsync(organisation.Ingest, HttpMethod.Post, $"/api/v1/actions/{id}/outcome", new { succeeded, detail = "simulated agent" }, cancellationToken);
        return new IncidentResult(
            index, fault.Name, indexWithinFault, kind, chosen, fault.Best, fault.SuccessProbability.Values.Average(), fault.Success(rule, false), succeeded,
            Automatic: automatic);
    }

    private async Task<Organisation> CreateAsync(string id, string service, string federation, CancellationToken cancellationToken)
    {
        var created = await SimulationRunner.SendAsync(Client(operatorKey), HttpMethod.Post, "/api/v1/tenants", new { id, name = $"{char.ToUpperInvariant(service[0])}{service[1..]} Inc." }, cancellationToken);
        var admin = Client(created.GetProperty("adminKey").GetString()!);
        var ingest = Client(created.GetProperty("ingestKey").GetString()!);
        foreach (var d in Deployments)
        {
            await SimulationRunner.SendAsync(admin, HttpMethod.Put, $"/api/v1/deployments/{d}", new { service, environment = d[4..], capabilities = world.Kinds }, cancellationToken);
        }

        await SimulationRunner.SendAsync(admin, HttpMethod.Put, "/api/v1/policy", new { federation }, cancellationToken);
        return new Organisation(id, service, admin, ingest);
    }

    private HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = http.BaseAddress, Timeout = http.Timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private sealed record Organisation(string Id, string Service, HttpClient Admin, HttpClient Ingest);
}

/// <summary>The sharing tenants' incidents, and the newcomers' first incidents per fault with and without federation.</summary>
internal sealed record FederationSimulationResult(
    IReadOnlyList<IncidentResult> Learning, IReadOnlyList<IncidentResult> WithFederation, IReadOnlyList<IncidentResult> WithoutFederation);
