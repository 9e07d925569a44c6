using HealingGrains.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HealingGrains.Cli.Simulation;

/// <summary>The real host (API and silo) inside this process, on a free port and a throw-away data folder.</summary>
internal sealed class InProcessHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _data;

    private InProcessHost(WebApplication app, string data, string operatorKey)
    {
        _app = app;
        _data = data;
        OperatorKey = operatorKey;
    }

    public Uri Address => new(_app.Urls.First());

    public string OperatorKey { get; }

    public static async Task<InProcessHost> StartAsync(int seed, CancellationToken cancellationToken)
    {
        var data = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hg-simulate", Guid.NewGuid().ToString("N"))).FullName;
        var operatorKey = Core.Security.ApiKeys.NewOperatorKey();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["HealingGrains:DataDirectory"] = data,
            ["HealingGrains:Bootstrap:OperatorKey"] = operatorKey,
            ["HealingGrains:Clustering:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HealingGrains:Clustering:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HealingGrains:Healing:RandomSeed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Logging.ClearProviders();
        builder.AddHealingGrains();
        builder.UseOrleans(silo => silo.AddHealingGrainsSilo());
        var app = builder.Build();
        app.MapHealingApi();
        await app.StartAsync(cancellationToken);
        return new InProcessHost(app, data, operatorKey);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by SQLite's pool: the temporary folder is left for the system to clean.
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
