using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace HealingGrains.Cli.Tests;

/// <summary>A real HTTP server on loopback that records what it receives and answers as the test says.</summary>
internal sealed class RecordingServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<RecordedRequest, (int Status, string Body, string? RetryAfter)> _answer;
    private readonly Task _loop;

    public RecordingServer(Func<RecordedRequest, (int Status, string Body, string? RetryAfter)> answer)
    {
        _answer = answer;
        var port = FreePort();
        Address = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Address { get; }

    public ConcurrentQueue<RecordedRequest> RequestQueue { get; } = new();

    public IReadOnlyList<RecordedRequest> Requests => [.. RequestQueue];

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
            // Stopping the listener ends the pending GetContextAsync with this exception.
        }
        catch (ObjectDisposedException)
        {
            // Likewise, depending on timing.
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            using var reader = new StreamReader(context.Request.InputStream);
            var request = new RecordedRequest(context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"], await reader.ReadToEndAsync());
            var (status, body, retryAfter) = _answer(request);
            if (status != 429 && status != 503)
            {
                RequestQueue.Enqueue(request);
            }
            else
            {
                RequestQueue.Enqueue(request with { Rejected = true });
            }

            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            if (retryAfter is not null)
            {
                context.Response.Headers["Retry-After"] = retryAfter;
            }

            var bytes = System.Text.Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}

internal sealed record RecordedRequest(string Path, string? Authorization, string Body, bool Rejected = false);
