using System.CommandLine;
using HealingGrains.Cli.Simulation;
using HealingGrains.Core.Simulation;
using HealingGrains.Silo.Hosting;

namespace HealingGrains.Cli.Commands;

/// <summary><c>hg simulate</c>: simulated tenants with known fault worlds against a host, and how well it learns.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var url = new Option<string?>("--url") { Description = "A running host (default: start one in this process)" };
        var operatorKey = new Option<string?>("--operator-key") { Description = "The operator key of the host at --url (or HG_OPERATOR_KEY)" };
        var tenants = new Option<int>("--tenants") { Description = "Simulated tenants (with --federation: the sharing tenants, default 5)", DefaultValueFactory = _ => 3 };
        var faults = new Option<int>("--faults") { Description = "Faults, each suffered by one tenant (1 to 10)", DefaultValueFactory = _ => 8 };
        var kinds = new Option<int>("--kinds") { Description = "Action kinds every deployment can run (2 to 5)", DefaultValueFactory = _ => 5 };
        var incidents = new Option<int>("--incidents") { Description = "Incidents to run (with --federation: at the sharing tenants, default 800)", DefaultValueFactory = _ => 500 };
        var seed = new Option<int>("--seed") { Description = "Seed of the world, the incidents and (in-process) the host's exploration", DefaultValueFactory = _ => 42 };
        var round = new Option<int>("--round") { Description = "Incidents per reported round", DefaultValueFactory = _ => 50 };
        var warmUp = new Option<int>("--warm-up") { Description = "Incidents per fault before the success rate is judged", DefaultValueFactory = _ => 30 };
        var svg = new Option<FileInfo?>("--svg") { Description = "Also draw the learning curves into this SVG file" };
        var releases = new Option<double>("--releases") { Description = "Share of incidents right after a new release, where anything but a rollback rarely works (0 to 1)", DefaultValueFactory = _ => 0 };
        var approvalThreshold = new Option<double?>("--approval-threshold") { Description = "The tenants' approval threshold (default: a new tenant's 1.0, a human approves everything)" };
        var maxRisk = new Option<double?>("--max-risk") { Description = "The tenants' maximum risk for automatic approval (default 0.3)" };
        var downgradeFloor = new Option<double?>("--auto-downgrade-floor") { Description = "The tenants' auto-downgrade floor (default 0.5; 0 turns the downgrade off)" };
        var riskAssessor = new Option<string>("--risk-assessor")
        {
            Description = "off; on (the host trains and activates a risk assessor after --train-after incidents); compare (both, in-process, same world and seed)",
            DefaultValueFactory = _ => "off",
        };
        riskAssessor.AcceptOnlyFromAmong("off", "on", "compare");
        var trainAfter = new Option<int?>("--train-after") { Description = "Incidents before the risk assessor is trained; automatic actions are counted after them (default: a third)" };
        var federation = new Option<bool>("--federation")
        {
            Description = "Every tenant (policy both) suffers every fault and learns it; then newcomers meet each fault once, half consuming federated knowledge, half not",
        };
        var newcomers = new Option<int>("--newcomers") { Description = "With --federation: newcomer pairs (one consuming, one not)", DefaultValueFactory = _ => 4 };
        var command = new Command("simulate", "Runs simulated tenants with hidden fault worlds against a host and prints how fast it learns the right fixes.")
        {
            url, operatorKey, tenants, faults, kinds, incidents, seed, round, warmUp, svg, releases, approvalThreshold, maxRisk, downgradeFloor, riskAssessor, trainAfter,
            federation, newcomers,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // With --federation the tenants are the ones that share: a pattern needs three of them besides the newcomer,
            // so the defaults are more tenants and enough incidents for each to meet every fault about twenty times.
            int Value(Option<int> option, int federationDefault) =>
                parse.GetValue(federation) && parse.GetResult(option) is null or { Implicit: true } ? federationDefault : parse.GetValue(option);
            var tenantCount = Value(tenants, 5);
            var incidentCount = Value(incidents, 800);
            SimulationWorld world;
            try
            {
                world = SimulationWorld.Create(tenantCount, parse.GetValue(faults), parse.GetValue(kinds), parse.GetValue(seed));
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"hg simulate: {ex.Message}");
                return ExitCodes.Usage;
            }

            if (incidentCount < 1 || parse.GetValue(round) < 1)
            {
                await Console.Error.WriteLineAsync("hg simulate: --incidents and --round must be at least 1.");
                return ExitCodes.Usage;
            }

            if (parse.GetValue(releases) is < 0 or > 1 || parse.GetValue(approvalThreshold) is < 0 or > 1 || parse.GetValue(maxRisk) is < 0 or > 1
                || parse.GetValue(downgradeFloor) is < 0 or > 1)
            {
                await Console.Error.WriteLineAsync("hg simulate: --releases, --approval-threshold, --max-risk and --auto-downgrade-floor must be from 0 to 1.");
                return ExitCodes.Usage;
            }

            var mode = parse.GetValue(riskAssessor)!;
            if (parse.GetValue(federation))
            {
                if (tenantCount < 3 || parse.GetValue(newcomers) < 1)
                {
                    await Console.Error.WriteLineAsync("hg simulate --federation: --tenants must be at least 3 (a pattern is visible from 3 organisations) and --newcomers at least 1.");
                    return ExitCodes.Usage;
                }

                if (mode != "off" || parse.GetValue(releases) > 0 || parse.GetValue(svg) is not null
                    || parse.GetValue(approvalThreshold) is not null || parse.GetValue(maxRisk) is not null || parse.GetValue(downgradeFloor) is not null)
                {
                    await Console.Error.WriteLineAsync("hg simulate --federation: runs with new tenants' policies, without --releases, --risk-assessor, --svg or policy options.");
                    return ExitCodes.Usage;
                }

                var federated = await RunFederationAsync(world, parse.GetValue(url), parse.GetValue(operatorKey), incidentCount, parse.GetValue(seed),
                    parse.GetValue(newcomers), parse.GetValue(round), Console.Error, cancellationToken);
                if (federated is null)
                {
                    return ExitCodes.Usage;
                }

                federated.Write(Console.Out);
                return ExitCodes.Ok;
            }

            var trainAt = parse.GetValue(trainAfter) ?? parse.GetValue(incidents) / 3;
            if (trainAt < 0 || trainAt >= parse.GetValue(incidents) || (mode == "compare" && parse.GetValue(url) is not null))
            {
                await Console.Error.WriteLineAsync("hg simulate: --train-after must be below --incidents, and compare runs in-process only (without --url).");
                return ExitCodes.Usage;
            }

            var options = new SimulationOptions
            {
                Releases = parse.GetValue(releases),
                ApprovalThreshold = parse.GetValue(approvalThreshold),
                MaxRisk = parse.GetValue(maxRisk),
                AutoDowngradeFloor = parse.GetValue(downgradeFloor),
                TrainAfter = trainAt,
            };
            SimulationReport? report;
            if (mode == "compare")
            {
                await Console.Error.WriteLineAsync("run 1 of 2: risk assessor off");
                var off = await RunAsync(world, null, null, parse.GetValue(incidents), parse.GetValue(seed), parse.GetValue(round), parse.GetValue(warmUp),
                    Console.Error, cancellationToken, options);
                await Console.Error.WriteLineAsync("run 2 of 2: risk assessor on");
                report = await RunAsync(world, null, null, parse.GetValue(incidents), parse.GetValue(seed), parse.GetValue(round), parse.GetValue(warmUp),
                    Console.Error, cancellationToken, options with { RiskAssessor = true });
                await Console.Out.WriteLineAsync("risk assessor off:");
                off!.Write(Console.Out);
                await Console.Out.WriteLineAsync();
                await Console.Out.WriteLineAsync("risk assessor on:");
                report!.Write(Console.Out);
                await Console.Out.WriteLineAsync();
                await Console.Out.WriteLineAsync(System.FormattableString.Invariant(
                    $"failed automatic actions from incident {trainAt + 1} on: {off.FailedAutomaticActions} of {off.AutomaticActions} with the risk assessor off, {report.FailedAutomaticActions} of {report.AutomaticActions} with it on"));
            }
            else
            {
                report = await RunAsync(world, parse.GetValue(url), parse.GetValue(operatorKey), parse.GetValue(incidents), parse.GetValue(seed),
                    parse.GetValue(round), parse.GetValue(warmUp), Console.Error, cancellationToken, options with { RiskAssessor = mode == "on" });
                if (report is null)
                {
                    return ExitCodes.Usage;
                }

                report.Write(Console.Out);
            }

            if (parse.GetValue(svg) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, report.Svg(), cancellationToken);
                await Console.Out.WriteLineAsync($"learning curves: {file.FullName}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// <c>--federation</c>: the world's tenants learn every fault while sharing, then <paramref name="newcomers"/> pairs of
    /// new tenants (one consuming, one not) meet each fault once; null when <paramref name="url"/> or the key is unusable.
    /// </summary>
    public static async Task<FederationReport?> RunFederationAsync(
        SimulationWorld world, string? url, string? operatorKey, int incidents, int seed, int newcomers, int round, TextWriter progress,
        CancellationToken cancellationToken)
    {
        foreach (var fault in world.Faults)
        {
            await progress.WriteLineAsync($"{fault.Name} (every tenant): best fix {fault.BestKind} at {fault.Best:P0}");
        }

        if (url is null)
        {
            await progress.WriteLineAsync("starting an in-process host…");
            await using var host = await EmbeddedHost.StartAsync(seed, cancellationToken);
            using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(60) };
            return new FederationReport(
                await new FederationSimulation(http, host.OperatorKey, world, progress, newcomers).RunAsync(incidents, seed, cancellationToken), round);
        }

        var key = operatorKey ?? Environment.GetEnvironmentVariable("HG_OPERATOR_KEY");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || string.IsNullOrEmpty(key))
        {
            await progress.WriteLineAsync("hg simulate: --url needs an http(s) address and an operator key (--operator-key or HG_OPERATOR_KEY).");
            return null;
        }

        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        return new FederationReport(await new FederationSimulation(client, key, world, progress, newcomers).RunAsync(incidents, seed, cancellationToken), round);
    }

    public static async Task<SimulationReport?> RunAsync(
        SimulationWorld world, string? url, string? operatorKey, int incidents, int seed, int round, int warmUp, TextWriter progress,
        CancellationToken cancellationToken, SimulationOptions? options = null)
    {
        options ??= new SimulationOptions();
        var countFrom = options.RiskAssessor || options.TrainAfter is not null ? options.TrainAfter ?? incidents / 3 : 0;
        foreach (var fault in world.Faults)
        {
            await progress.WriteLineAsync($"{fault.Name} (tenant {fault.Tenant + 1}): best fix {fault.BestKind} at {fault.Best:P0}");
        }

        if (url is null)
        {
            await progress.WriteLineAsync("starting an in-process host…");
            await using var host = await EmbeddedHost.StartAsync(seed, cancellationToken, settings: new Dictionary<string, string?>
            {
                ["HealingGrains:Models:RefreshInterval"] = "00:00:01",
            });
            using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(60) };
            var results = await new SimulationRunner(http, host.OperatorKey, world, progress, options with { ModelSwitch = TimeSpan.FromSeconds(2) })
                .RunAsync(incidents, seed, cancellationToken);
            return new SimulationReport(results, round, warmUp, countFrom);
        }

        var key = operatorKey ?? Environment.GetEnvironmentVariable("HG_OPERATOR_KEY");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || string.IsNullOrEmpty(key))
        {
            await progress.WriteLineAsync("hg simulate: --url needs an http(s) address and an operator key (--operator-key or HG_OPERATOR_KEY).");
            return null;
        }

        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        var remote = await new SimulationRunner(client, key, world, progress, options).RunAsync(incidents, seed, cancellationToken);
        return new SimulationReport(remote, round, warmUp, countFrom);
    }
}
