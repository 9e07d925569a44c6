using System.Diagnostics;
using System.Net.Sockets;

namespace HealingGrains.Testing;

/// <summary>
/// Azurite's table and queue services (npm package <c>azurite</c>, in memory, loopback), started for the tests and
/// stopped after. The test command installs it under <c>.tools/azurite</c>; <c>azurite-table</c> and
/// <c>azurite-queue</c> on the PATH work too.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly List<Process> _processes = [];

    /// <summary>The development account, with its table and queue endpoints.</summary>
    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var tablePort = await StartAsync("azurite-table", "--tableHost", "--tablePort");
        var queuePort = await StartAsync("azurite-queue", "--queueHost", "--queuePort");
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};"
            + $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;";
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }

    private async Task<int> StartAsync(string service, string hostOption, string portOption)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(FindAzurite(service))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", hostOption, "127.0.0.1", portOption, port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{service} did not start.");
        _processes.Add(process);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return port;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"{service} did not listen on port {port}: {await process.StandardError.ReadToEndAsync()}", ex);
            }
        }
    }

    private static string FindAzurite(string service)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var local = Path.Combine(dir.FullName, ".tools", "azurite", "node_modules", ".bin", service);
            if (File.Exists(local))
            {
                return local;
            }
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(p => Path.Combine(p, service))
            .FirstOrDefault(File.Exists);
        return onPath ?? throw new FileNotFoundException(
            $"{service} was not found: run ./scripts/test.sh (it installs Azurite under .tools/azurite) or `npm install -g azurite`.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
