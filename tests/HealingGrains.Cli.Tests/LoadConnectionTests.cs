using System.Net;
using System.Net.Sockets;
using System.Text;
using HealingGrains.Cli.Commands;

namespace HealingGrains.Cli.Tests;

/// <summary>
/// <c>hg load</c>'s own HTTP/1.1 connection against a socket server that answers byte for byte as the test says: what it
/// sends, the answers it reads (sized, chunked, without a length), Retry-After, and a connection the host closes.
/// </summary>
public sealed class LoadConnectionTests
{
    [Fact]
    public async Task ItSendsTheRequestAndReadsSizedAndChunkedAnswersOnOneConnection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = new ScriptedServer(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{\"accepted\":1}",
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\n{\"a\":\r\n3\r\n12}\r\n0\r\nX-Trailer: t\r\n\r\n",
            "HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n");
        using var connection = new LoadConnection(server.Address, "Bearer k-1");

        await connection.OpenAsync(ct);
        var accepted = await connection.PostAsync("""{"deployment":"svc-0","events":[{"message":"é"}]}""", ct);
        var shed = await connection.PostAsync("{}", ct);
        var again = await connection.PostAsync("{}", ct);

        Assert.Equal((HttpStatusCode.Accepted, (TimeSpan?)null), accepted);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, (TimeSpan?)TimeSpan.FromSeconds(3)), shed);
        Assert.Equal((HttpStatusCode.Accepted, (TimeSpan?)null), again);
        Assert.Equal(1, server.Connections);
        var requests = server.Received.ToList();
        Assert.StartsWith("GET /health/live HTTP/1.1\r\n", requests[0], StringComparison.Ordinal);
        Assert.StartsWith("POST /api/v1/telemetry HTTP/1.1\r\n", requests[1], StringComparison.Ordinal);
        Assert.Contains("\r\nAuthorization: Bearer k-1\r\n", requests[1], StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/json\r\n", requests[1], StringComparison.Ordinal);
        // The length counts the bytes, not the characters (é is two).
        Assert.Contains("\r\nContent-Length: 50\r\n\r\n{\"deployment\"", requests[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterTheHostClosesTheConnectionTheNextRequestOpensAnother()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = new ScriptedServer(
            "HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.0 202 Accepted\r\n\r\nbody until the end");
        using var connection = new LoadConnection(server.Address, "Bearer k");

        Assert.Equal(HttpStatusCode.Accepted, (await connection.PostAsync("{}", ct)).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await connection.PostAsync("{}", ct)).Status);
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task AnAnswerThatIsNotHttpOrEndsEarlyFailsTheRequestAndTheNextConnectsAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = new ScriptedServer(
            "SMTP ready\r\n\r\n",
            "HTTP/1.1 202 Accepted\r\nContent-Length: 100\r\n\r\nshort",
            "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
        using var connection = new LoadConnection(server.Address, "Bearer k");

        await Assert.ThrowsAsync<IOException>(() => connection.PostAsync("{}", ct));
        await Assert.ThrowsAsync<IOException>(() => connection.PostAsync("{}", ct));
        Assert.Equal(HttpStatusCode.Accepted, (await connection.PostAsync("{}", ct)).Status);
        Assert.Equal(3, server.Connections);
    }

    // Answers each request it reads with the next scripted answer; an answer that ends the connection (HTTP/1.0 without
    // a length, a cut body, a non-HTTP line) closes it after writing.
    private sealed class ScriptedServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Queue<string> _answers;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private int _connections;

        public ScriptedServer(params string[] answers)
        {
            _answers = new Queue<string>(answers);
            _listener.Start();
            Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _loop = Task.Run(LoopAsync);
        }

        public Uri Address { get; }

        public int Connections => Volatile.Read(ref _connections);

        public System.Collections.Concurrent.ConcurrentQueue<string> Received { get; } = new();

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
        }

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                var stream = client.GetStream();
                var pending = new List<byte>();
                var buffer = new byte[8192];
                while (_answers.Count > 0)
                {
                    int end;
                    while ((end = RequestEnd(pending)) < 0)
                    {
                        var read = await stream.ReadAsync(buffer, _stop.Token);
                        if (read == 0)
                        {
                            break;
                        }

                        pending.AddRange(buffer.AsSpan(0, read));
                    }

                    if (end < 0)
                    {
                        break;
                    }

                    Received.Enqueue(Encoding.UTF8.GetString([.. pending.Take(end)]));
                    pending.RemoveRange(0, end);
                    var answer = _answers.Dequeue();
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(answer), _stop.Token);
                    if (answer.Contains("close", StringComparison.Ordinal) || answer.StartsWith("HTTP/1.0", StringComparison.Ordinal)
                        || !answer.StartsWith("HTTP/", StringComparison.Ordinal) || answer.EndsWith("short", StringComparison.Ordinal))
                    {
                        break;
                    }
                }
            }
        }

        // Where the first complete request in the bytes ends (its headers and Content-Length bytes of body), or -1.
        private static int RequestEnd(List<byte> bytes)
        {
            var text = Encoding.ASCII.GetString([.. bytes]);
            var head = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (head < 0)
            {
                return -1;
            }

            var match = System.Text.RegularExpressions.Regex.Match(text[..head], @"Content-Length: (\d+)");
            var end = head + 4 + (match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0);
            return bytes.Count >= end ? end : -1;
        }
    }
}
