namespace HealingGrains.Silo.Hosting;

/// <summary>
/// The real host (API, portal and silo) inside another process (<c>hg simulate</c>, browser tests), on a free port
/// and a throw-away data folder.
/// </summary>
public sealed class EmbeddedHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _data;

    private EmbeddedHost(WebApplication app, string data, string operatorKey)
    {
        _app = app;
        _data = data;
        OperatorKey = operatorKey;
    }

    /// <summary>Where the host listens.</summary>
    public Uri Address => new(_app.Urls.First());

    /// <summary>The operator key it was configured with.</summary>
    public string OperatorKey { get; }

    /// <summary>The host's services (the grain factory, for tests that look behind the API).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a host whose exploration is seeded with <paramref name="seed"/>.</summary>
    public static async Task<EmbeddedHost> StartAsync(
        int seed, CancellationToken cancellationToken, TimeSpan? demoInterval = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var data = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hg-simulate", Guid.NewGuid().ToString("N"))).FullName;
        var operatorKey = Core.Security.ApiKeys.NewOperatorKey();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,

            // The portal's static assets are found through the host's manifest, named after the host assembly.
            ApplicationName = typeof(EmbeddedHost).Assembly.GetName().Name,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["HealingGrains:DataDirectory"] = data,
            ["HealingGrains:Bootstrap:OperatorKey"] = operatorKey,
            ["HealingGrains:Clustering:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HealingGrains:Clustering:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HealingGrains:Healing:RandomSeed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        builder.AddHealingGrains();
        builder.AddHealingTelemetry();
        builder.AddOperations();
        builder.AddPortal();
        if (demoInterval is { } interval)
        {
            builder.AddDemo(interval);
        }

        builder.UseOrleans(silo => silo.AddHealingGrainsSilo());
        var app = builder.Build();
        app.MapHealingApi();
        app.MapOperations();
        app.MapPortal();
        await app.StartAsync(cancellationToken);
        return new EmbeddedHost(app, data, operatorKey);
    }

    /// <summary>The demo user's password, once the demo (started with a demo interval) is set up.</summary>
    public Task<string> DemoPasswordAsync() =>
        _app.Services.GetService<DemoService>()?.Password ?? throw new InvalidOperationException("This host runs without the demo.");

    /// <inheritdoc/>
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
