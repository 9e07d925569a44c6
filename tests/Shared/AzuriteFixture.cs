using System.Diagnostics;
using System.Net.Sockets;

namespace HealingGrains.Testing;

/// <summary>
/// Azurite's table and queue services (npm package <c>azurite</c>, loopback), started for the tests and stopped after:
/// in memory by default, or on disk (<see cref="OnDisk"/>), where they can be stopped and started again with their data
/// on the same ports, or frozen, to play a storage outage. The test command installs it under <c>.tools/azurite</c>;
/// <c>azurite-table</c> and <c>azurite-queue</c> on the PATH work too.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Service[] Services =
    [
        new("azurite-table", "--tableHost", "--tablePort", "Table"),
        new("azurite-queue", "--queueHost", "--queuePort", "Queue"),
    ];

    private readonly string? _location;
    private readonly bool _checksApiVersion;
    private readonly Dictionary<Service, Running> _running = [];
    private readonly Dictionary<Service, int> _ports = [];

    /// <summary>Azurite in memory: its data ends with the fixture.</summary>
    public AzuriteFixture()
    {
    }

    private AzuriteFixture(string? location, bool checksApiVersion = false) => (_location, _checksApiVersion) = (location, checksApiVersion);

    /// <summary>The development account, with its table and queue endpoints.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>
    /// Azurite keeping its data in <paramref name="location"/> (a folder per service), so that <see cref="StopAsync"/>
    /// and <see cref="RestartAsync"/> play an outage that loses nothing, as Azure's own would not.
    /// </summary>
    public static AzuriteFixture OnDisk(string location) => new(location);

    /// <summary>
    /// Azurite in memory that refuses (400) every request made with a storage API version newer than it knows, as an
    /// Azurite started without <c>--skipApiVersionCheck</c> does with this project's Azure SDK.
    /// </summary>
    public static AzuriteFixture CheckingApiVersions() => new(null, checksApiVersion: true);

    public async ValueTask InitializeAsync()
    {
        foreach (var service in Services)
        {
            _ports[service] = FreePort();
            await StartAsync(service);
        }

        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};"
            + $"TableEndpoint=http://127.0.0.1:{_ports[Services[0]]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{_ports[Services[1]]}/devstoreaccount1;";
    }

    /// <summary>
    /// Stops both services the way Azurite saves its data: SIGINT, then its "successfully closed" (it stops listening at
    /// once; its data is saved when it says closed), then the process is ended. Fails rather than lose data.
    /// </summary>
    public async Task StopAsync()
    {
        RequireOnDisk();
        foreach (var running in _running.Values)
        {
            Signal(running.Process, "INT");
        }

        foreach (var (service, running) in _running)
        {
            var closed = await Task.WhenAny(running.Closed.Task, Task.Delay(TimeSpan.FromSeconds(30)));
            if (closed != running.Closed.Task && !running.Process.HasExited)
            {
                throw new InvalidOperationException($"{service.Command} did not close within 30 s of SIGINT, so its data may not be saved. Its output:\n{running.Output}");
            }

            await EndAsync(running);
        }

        _running.Clear();
    }

    /// <summary>Starts both services again on their ports and data, and returns once both listen.</summary>
    public async Task RestartAsync()
    {
        RequireOnDisk();
        await Task.WhenAll(Services.Select(StartAsync));
    }

    /// <summary>SIGSTOP: the services keep their ports and accept connections (the kernel does) but answer nothing.</summary>
    public void Freeze()
    {
        foreach (var running in _running.Values)
        {
            Signal(running.Process, "STOP");
        }
    }

    /// <summary>SIGCONT: the services go on with whatever they had received.</summary>
    public void Thaw()
    {
        foreach (var running in _running.Values)
        {
            Signal(running.Process, "CONT");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var running in _running.Values)
        {
            await EndAsync(running);
        }

        _running.Clear();
    }

    private static async Task EndAsync(Running running)
    {
        if (!running.Process.HasExited)
        {
            // A frozen process would not die of SIGKILL any later than now, but would of nothing else.
            running.Process.Kill(entireProcessTree: true);
            await running.Process.WaitForExitAsync();
        }

        running.Process.Dispose();
    }

    private void RequireOnDisk()
    {
        if (_location is null)
        {
            throw new InvalidOperationException("Only an Azurite on disk (AzuriteFixture.OnDisk) can be stopped and started again with its data.");
        }
    }

    private async Task StartAsync(Service service)
    {
        var port = _ports[service];
        var start = new ProcessStartInfo(FindAzurite(service.Command))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (_location is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            var folder = Path.Combine(_location, service.Command);
            Directory.CreateDirectory(folder);
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(folder);
        }

        if (!_checksApiVersion)
        {
            start.ArgumentList.Add("--skipApiVersionCheck");
        }

        foreach (var arg in new[] { "--silent", "--disableTelemetry", service.HostOption, "127.0.0.1", service.PortOption, port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{service.Command} did not start.");
        var running = new Running(process, service);
        _running[service] = running;
        process.OutputDataReceived += (_, e) => running.Append(e.Data);
        process.ErrorDataReceived += (_, e) => running.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"{service.Command} did not listen on port {port}: {running.Output}", ex);
            }
        }
    }

    private static void Signal(Process process, string signal)
    {
        if (process.HasExited)
        {
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start.");
        kill.WaitForExit();
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

    private static int FreePort() => FreePorts.Next();

    private sealed record Service(string Command, string HostOption, string PortOption, string Name);

    private sealed class Running(Process process, Service service)
    {
        private readonly System.Text.StringBuilder _output = new();

        public Process Process { get; } = process;

        /// <summary>Completed when the service said it closed (after SIGINT), which is after it saved its data.</summary>
        public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }

            if (line.Contains($"Azurite {service.Name} service successfully closed", StringComparison.Ordinal))
            {
                Closed.TrySetResult();
            }
        }
    }
}
