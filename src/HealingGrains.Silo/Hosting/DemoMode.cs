using System.Security.Cryptography;
using HealingGrains.Abstractions;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Core.Simulation;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace HealingGrains.Silo.Hosting;

/// <summary>
/// <c>--demo</c>: a demo tenant whose simulated deployments keep failing and healing, so that a newcomer who opens the
/// portal sees approvals arrive, outcomes land and confidence grow. The sign-in is printed at start.
/// </summary>
public static class DemoMode
{
    /// <summary>The command-line switch.</summary>
    public const string Switch = "--demo";

    /// <summary>The arguments without the switch (the configuration's command-line parser would refuse it), and whether it was there.</summary>
    public static string[] Strip(string[] args, out bool demo)
    {
        ArgumentNullException.ThrowIfNull(args);
        demo = args.Contains(Switch, StringComparer.Ordinal);
        return [.. args.Where(a => a != Switch)];
    }

    /// <summary>Adds the demo tenant and its simulated deployments and agent.</summary>
    public static WebApplicationBuilder AddDemo(this WebApplicationBuilder builder, TimeSpan? interval = null)
    {
        builder.Services.AddSingleton(sp => new DemoService(
            sp.GetRequiredService<IClusterClient>(),
            sp.GetRequiredService<PortalAccounts>(),
            sp.GetRequiredService<IServer>(),
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ILogger<DemoService>>(),
            interval ?? TimeSpan.FromSeconds(3)));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoService>());
        return builder;
    }
}

/// <summary>The demo's simulated deployments (errors in) and agent (outcomes back).</summary>
internal sealed partial class DemoService(
    IClusterClient cluster,
    PortalAccounts accounts,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILogger<DemoService> logger,
    TimeSpan interval) : BackgroundService
{
    /// <summary>The demo tenant's id.</summary>
    public const string Tenant = "demo";

    /// <summary>The demo's portal user.</summary>
    public const string User = "demo";

    private static readonly string[] Deployments = ["shop-prod", "shop-staging"];

    private readonly TaskCompletionSource<string> _password = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The demo user's password, once the demo is set up.</summary>
    public Task<string> Password => _password.Task;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The silo and the server start with the host; the demo needs both.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            await started.Task;
        }

        var world = SimulationWorld.Create(tenants: 1, faults: 4, kinds: 5, seed: Environment.TickCount);
        var password = await SetUpAsync(world);
        var url = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5080";
        await Console.Out.WriteLineAsync($"""

            ┌ HealingGrains demo ─────────────────────────────────────────
            │ Portal:   {url}/login
            │ Tenant:   {Tenant}
            │ User:     {User}
            │ Password: {password}
            │ Simulated deployments fail every few seconds; approve what waits, watch confidence grow.
            └──────────────────────────────────────────────────────────────

            """);
        _password.TrySetResult(password);

        var random = new Random();
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TickAsync(world, random);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogTickFailed(logger, ex);
            }
        }
    }

    private async Task<string> SetUpAsync(SimulationWorld world)
    {
        var tenant = cluster.GetGrain<ITenantGrain>(Tenant);
        await tenant.CreateAsync("Demo Inc.");
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
        if (!await tenant.CreateUserAsync(User, accounts.Hash(User, password), "admin"))
        {
            await tenant.ResetPasswordAsync(User, accounts.Hash(User, password));
        }

        foreach (var name in Deployments)
        {
            await cluster.GetGrain<IDeploymentGrain>(DeploymentKey.Format(Tenant, name)).RegisterAsync(new DeploymentSpec
            {
                Service = "shop",
                Environment = name[5..],
                Capabilities = [.. world.Kinds],
            });
        }

        var policy = await tenant.GetPolicyAsync();
        if (policy.Version == 1)
        {
            // Confident fixes go through on their own; the rest wait for the newcomer, and not for long.
            policy.ApprovalThreshold = 0.8;
            policy.ApprovalTimeoutMinutes = 5;
            await tenant.UpdatePolicyAsync(policy, "system:demo");
        }

        return password;
    }

    private async Task TickAsync(SimulationWorld world, Random random)
    {
        var fault = world.Faults[random.Next(world.Faults.Count)];
        var deployment = Deployments[random.Next(Deployments.Length)];
        await cluster.GetStreamProvider(HealingStreams.ProviderName)
            .GetStream<DiagnosticBatch>(HealingStreams.Diagnostics(Tenant, deployment))
            .OnNextAsync(new DiagnosticBatch
            {
                ReceivedAt = DateTimeOffset.UtcNow,
                BatchId = Guid.NewGuid(),
                Events = [new DiagnosticEvent
                {
                    Kind = DiagnosticEventKind.Error,
                    ExceptionType = fault.ExceptionType,
                    Message = fault.Message(random),
                    Timestamp = DateTimeOffset.UtcNow,
                }],
            });

        // The simulated agent runs what was approved and reports how it went.
        foreach (var name in Deployments)
        {
            foreach (var id in await cluster.GetGrain<IDeploymentGrain>(DeploymentKey.Format(Tenant, name)).GetOpenActionIdsAsync())
            {
                var action = cluster.GetGrain<IHealingActionGrain>(ActionKey.Format(Tenant, id));
                var info = await action.GetAsync();
                if (info?.State is ActionState.Approved or ActionState.Dispatched)
                {
                    // Each simulated fault has its own exception type: that says which hidden probabilities apply.
                    var facts = await cluster.GetGrain<IFingerprintGrain>(FingerprintKey.Format(Tenant, info.Fingerprint)).GetFactsAsync();
                    var suffered = world.Faults.FirstOrDefault(f => f.ExceptionType == facts?.ExceptionType) ?? fault;
                    await action.ReportOutcomeAsync(random.NextDouble() < suffered.SuccessProbability.GetValueOrDefault(info.Kind, 0.5), "demo agent");
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A demo tick failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
