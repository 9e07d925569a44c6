using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HealingGrains.Cli.Commands;

/// <summary>
/// One sender's keep-alive HTTP/1.1 connection for <c>hg load</c>: a request written as bytes, one at a time, and only
/// the status line and the headers the generator acts on read back. The generator shares the machine with the host it
/// measures, and <see cref="HttpClient"/> spent about 90 µs of CPU per single-event request here (wrk, which also
/// writes requests itself, about 20): what the generator spends is taken from the host. Plain http only; an https host
/// is loaded through <see cref="HttpClient"/>.
/// </summary>
internal sealed class LoadConnection(Uri host, string authorization) : IDisposable
{
    private const int MaxHeaderBytes = 16 * 1024;

    private readonly byte[] _head = Encoding.ASCII.GetBytes(
        $"POST /api/v1/telemetry HTTP/1.1\r\nHost: {host.Authority}\r\nAuthorization: {authorization}\r\nContent-Type: application/json\r\nContent-Length: ");

    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;
    private Socket? _socket;

    /// <summary>Connects and asks the host's liveness probe once, so that the connection is open and served before a run's clock starts.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var request = Encoding.ASCII.GetBytes($"GET /health/live HTTP/1.1\r\nHost: {host.Authority}\r\n\r\n");
        await ExchangeAsync(request, cancellationToken);
    }

    /// <summary>Posts a telemetry body; the status and the Retry-After delay, if any. Throws <see cref="IOException"/> when the connection fails (it is opened again for the next request).</summary>
    public async Task<(HttpStatusCode Status, TimeSpan? RetryAfter)> PostAsync(string body, CancellationToken cancellationToken)
    {
        var bodyBytes = Encoding.UTF8.GetByteCount(body);
        Span<byte> length = stackalloc byte[16];
        bodyBytes.TryFormat(length, out var digits, provider: CultureInfo.InvariantCulture);
        var total = _head.Length + digits + 4 + bodyBytes;
        var request = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            _head.CopyTo(request, 0);
            var at = _head.Length;
            length[..digits].CopyTo(request.AsSpan(at));
            at += digits;
            "\r\n\r\n"u8.CopyTo(request.AsSpan(at));
            at += 4;
            Encoding.UTF8.GetBytes(body, request.AsSpan(at));
            return await ExchangeAsync(request.AsMemory(0, total), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(request);
        }
    }

    public void Dispose() => Close();

    private async Task<(HttpStatusCode Status, TimeSpan? RetryAfter)> ExchangeAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        try
        {
            if (_socket is null)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(host.DnsSafeHost, host.Port, cancellationToken);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }

                _socket = socket;
                _start = _end = 0;
            }

            await _socket.SendAsync(request, SocketFlags.None, cancellationToken);
            var response = await ReadResponseAsync(cancellationToken);
            if (response.Close)
            {
                Close();
            }

            return (response.Status, response.RetryAfter);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidDataException or OperationCanceledException)
        {
            Close();
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new IOException($"The connection to {host.Authority} failed: {ex.Message}", ex);
        }
    }

    private async Task<(HttpStatusCode Status, TimeSpan? RetryAfter, bool Close)> ReadResponseAsync(CancellationToken cancellationToken)
    {
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (_end - _start >= MaxHeaderBytes)
            {
                throw new InvalidDataException("The response's headers are over 16 KiB.");
            }

            await FillAsync(cancellationToken);
        }

        var (status, retryAfter, contentLength, chunked, close) = ParseHead(_buffer.AsSpan(_start, headerEnd));
        _start += headerEnd + 4;
        if (chunked)
        {
            await SkipChunkedAsync(cancellationToken);
        }
        else if (contentLength is { } bytes)
        {
            await SkipAsync(bytes, cancellationToken);
        }
        else if (status is not (HttpStatusCode.NoContent or HttpStatusCode.NotModified))
        {
            // A body without a length ends with the connection.
            close = true;
        }

        return (status, retryAfter, close);
    }

    private static (HttpStatusCode Status, TimeSpan? RetryAfter, long? ContentLength, bool Chunked, bool Close) ParseHead(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? head : head[..lineEnd];
        if (!statusLine.StartsWith("HTTP/1."u8) || statusLine.Length < 12
            || !int.TryParse(statusLine.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new InvalidDataException("The response does not start with an HTTP/1.x status line.");
        }

        var close = statusLine[7] == (byte)'0';
        TimeSpan? retryAfter = null;
        long? contentLength = null;
        var chunked = false;
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf("\r\n"u8);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                contentLength = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                    : throw new InvalidDataException("The response's Content-Length is not a number.");
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = value.Length >= 7 && Ascii.EqualsIgnoreCase(value[^7..], "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                close |= Ascii.EqualsIgnoreCase(value, "close"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Retry-After"u8)
                && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                retryAfter = TimeSpan.FromSeconds(seconds);
            }
        }

        return ((HttpStatusCode)status, retryAfter, contentLength, chunked, close);
    }

    private async Task SkipChunkedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            var semicolon = line.IndexOf(';');
            var size = long.TryParse(semicolon < 0 ? line : line[..semicolon], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var n) && n >= 0
                ? n : throw new InvalidDataException("A chunk of the response has no valid size.");
            if (size == 0)
            {
                // Trailers, if any, end with an empty line.
                while ((await ReadLineAsync(cancellationToken)).Length > 0)
                {
                }

                return;
            }

            await SkipAsync(size + 2, cancellationToken);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        int end;
        while ((end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
        {
            if (_end - _start >= MaxHeaderBytes)
            {
                throw new InvalidDataException("A line of the response is over 16 KiB.");
            }

            await FillAsync(cancellationToken);
        }

        var line = Encoding.ASCII.GetString(_buffer, _start, end);
        _start += end + 2;
        return line;
    }

    private async Task SkipAsync(long bytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            var here = Math.Min(bytes, _end - _start);
            _start += (int)here;
            bytes -= here;
            if (bytes == 0)
            {
                return;
            }

            await FillAsync(cancellationToken);
        }
    }

    // Reads more of the response after what the buffer holds; the connection's end before the response's is an error.
    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = await _socket!.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (read == 0)
        {
            throw new InvalidDataException("The host closed the connection before its response ended.");
        }

        _end += read;
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
        _start = _end = 0;
    }
}
