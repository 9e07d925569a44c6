using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealingGrains.Silo.Api;

/// <summary>
/// Reads a JSON request body within a size limit, turning every way it can be wrong into the problem the contract
/// names: 415 not JSON, 413 too large, 400 malformed (with the field that failed).
/// </summary>
internal static class JsonBody
{
    /// <summary>The largest body accepted: 1 MiB.</summary>
    public const int MaxBytes = 1024 * 1024;

    public static async Task<(T? Value, ProblemHttpResult? Error)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
        {
            return (default, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as application/json."));
        }

        if (request.ContentLength > MaxBytes)
        {
            return (default, TooLarge());
        }

        var (buffer, length) = await ReadLimitedAsync(request, cancellationToken);
        if (buffer is null)
        {
            return (default, TooLarge());
        }

        try
        {
            var body = buffer.AsSpan(0, length);

            // System.Text.Json checks UTF-8 only where it decodes a string; a JsonElement taken whole would carry invalid text on.
            if (!System.Text.Unicode.Utf8.IsValid(body))
            {
                return (default, Problems.Invalid("$", "The body is not valid UTF-8."));
            }

            var value = JsonSerializer.Deserialize(body, type);
            return value is null
                ? (default, Problems.Invalid("$", "The body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            return (default, Problems.Invalid(ex.Path ?? "$", $"Malformed JSON: {FirstSentence(ex.Message)}"));
        }
        finally
        {
            // Deserialization copies what it keeps (strings are decoded, a JsonElement is cloned), so the buffer can go back.
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Like <see cref="ReadAsync"/>, but an empty body (no Content-Length or zero, no content type) is no value and no error.</summary>
    public static async Task<(T? Value, ProblemHttpResult? Error)> ReadOptionalAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength is null or 0 && string.IsNullOrEmpty(request.ContentType) || request.ContentLength == 0)
        {
            return (null, null);
        }

        return await ReadAsync(request, type, cancellationToken);
    }

    // The body in a buffer from the shared pool (the caller returns it), or no buffer when it is over MaxBytes. A
    // request's own arrays (a 16 KiB chunk and a growing copy) were two fifths of the bytes the host allocated under
    // single-event ingest.
    private static async Task<(byte[]? Buffer, int Length)> ReadLimitedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // One byte more than announced, so that a body that ends where Content-Length says needs no second buffer.
        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is > 0 and var announced ? (int)announced + 1 : 4096);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
                if (length > MaxBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, 0);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    internal static bool IsJson(string? contentType) =>
        contentType is not null
        && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || (contentType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && contentType.Split(';')[0].EndsWith("+json", StringComparison.OrdinalIgnoreCase)));

    private static ProblemHttpResult TooLarge() =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "Body too large", $"A request body may have at most {MaxBytes} bytes (1 MiB).");

    // System.Text.Json appends the path and position in further sentences; the field is reported separately.
    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
