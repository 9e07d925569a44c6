using HealingGrains.Grains.Federation;

namespace HealingGrains.Silo.Hosting;

/// <summary>Loads (or, on first start, generates and stores) the federation keys before the host takes requests, so a broken stored key stops it at start.</summary>
internal sealed class FederationStartup(FederationKeys keys) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) => await keys.PublicKeyAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
