using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HealingGrains.Infra.Tests;

/// <summary>The real HealingGrains host (the built HealingGrains.Silo.dll) as its own process on loopback.</summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly StringBuilder _log = new();
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("hg-infra-host");
    private Process? _process;

    private HostProcess(int port, string operatorKey)
    {
        Address = new Uri($"http://127.0.0.1:{port}");
        OperatorKey = operatorKey;
    }

    public Uri Address { get; }

    public string OperatorKey { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<HostProcess> StartAsync()
    {
        var host = new HostProcess(FreePort(), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(33)));
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HealingGrains.Silo.dll"));
        start.Environment["Kestrel__Endpoints__Http__Url"] = host.Address.ToString();
        start.Environment["HealingGrains__DataDirectory"] = host._data.FullName;
        start.Environment["HealingGrains__Clustering__SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["HealingGrains__Clustering__GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["HealingGrains__Bootstrap__OperatorKey"] = host.OperatorKey;
        host._process = Process.Start(start) ?? throw new InvalidOperationException("The host did not start.");
        host._process.OutputDataReceived += (_, e) => host.Append(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if (host._process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with {host._process.ExitCode}:\n{host.Log}");
            }

            try
            {
                if ((await http.GetAsync(new Uri(host.Address, "/openapi/v1.json"))).IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            catch (TaskCanceledException) when (DateTime.UtcNow < deadline)
            {
            }

            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _data.Delete(recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
