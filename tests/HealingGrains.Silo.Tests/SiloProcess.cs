using System.Diagnostics;
using System.Text;

namespace HealingGrains.Silo.Tests;

/// <summary>The real host as its own process (the built HealingGrains.Silo.dll), so it can be killed like a crashed silo.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly StringBuilder _log = new();
    private Process? _process;

    public SiloProcess(int httpPort, IReadOnlyDictionary<string, string> settings)
    {
        HttpPort = httpPort;
        _environment = new Dictionary<string, string>(settings)
        {
            ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{httpPort}",
            ["HealingGrains__Clustering__SiloPort"] = RedisFreePort(),
            ["HealingGrains__Clustering__GatewayPort"] = RedisFreePort(),
            ["HealingGrains__DataDirectory"] = Directory.CreateTempSubdirectory("hg-silo").FullName,
        };
    }

    public int HttpPort { get; }

    public Uri Address => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>A client of this host with <paramref name="key"/>; a minute before a request gives up.</summary>
    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Messages in the durable stream's queues, hidden ones too: zero means every message was deleted after its delivery.</summary>
    public static async Task<int> QueuedAsync(Azure.Storage.Queues.QueueServiceClient queues, string prefix, int queueCount)
    {
        var total = 0;
        for (var i = 0; i < queueCount; i++)
        {
            var queue = queues.GetQueueClient($"{prefix}-{i}");
            if (await queue.ExistsAsync(Api.Ct))
            {
                total += (await queue.GetPropertiesAsync(Api.Ct)).Value.ApproximateMessagesCount;
            }
        }

        return total;
    }

    /// <summary>Whether the host process ended (crashed, or was killed).</summary>
    public bool HasExited => _process is { HasExited: true };

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

    public void Start()
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HealingGrains.Silo.dll"));
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("The host did not start.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to the cluster.</summary>
    public async Task KillAsync()
    {
        _process!.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task WaitUntilAnsweringAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if ((await http.GetAsync(new Uri(Address, "/openapi/v1.json"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            catch (TaskCanceledException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline || _process!.HasExited)
            {
                throw new TimeoutException($"The host on port {HttpPort} did not answer. Its log:\n{Log}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await KillAsync();
        }

        _process?.Dispose();
    }

    private static string RedisFreePort() => Testing.RedisServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}
