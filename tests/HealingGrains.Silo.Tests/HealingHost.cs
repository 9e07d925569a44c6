using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HealingGrains.Silo.Tests;

/// <summary>
/// The real host (API and co-hosted silo) on a data folder of its own and free silo ports, so several can run side
/// by side and one can be restarted on another's folder.
/// </summary>
public sealed class HealingHost(string dataDirectory, string? operatorKey, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    public string DataDirectory { get; } = dataDirectory;

    public static string NewDataDirectory() =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hg-tests", Guid.NewGuid().ToString("N"))).FullName;

    public HttpClient ClientWithKey(string? key)
    {
        var client = CreateClient();

        // Training a model on the host takes seconds alone and minutes when CI runs every test project at once.
        client.Timeout = TimeSpan.FromMinutes(5);
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("HealingGrains:DataDirectory", DataDirectory);

        // A test host served over real Kestrel listens on a free port, never the product's default (5080), which a host
        // the developer is running may hold.
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("HealingGrains:Clustering:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("HealingGrains:Clustering:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (operatorKey is not null)
        {
            builder.UseSetting("HealingGrains:Bootstrap:OperatorKey", operatorKey);
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }

    private static int FreePort() => Testing.FreePorts.Next();
}
