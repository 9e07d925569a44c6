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

        var buffer = await ReadLimitedAsync(request.Body, cancellationToken);
        if (buffer is null)
        {
            return (default, TooLarge());
        }

        // System.Text.Json checks UTF-8 only where it decodes a string; a JsonElement taken whole would carry invalid text on.
        if (!System.Text.Unicode.Utf8.IsValid(buffer))
        {
            return (default, Problems.Invalid("$", "The body is not valid UTF-8."));
        }

        try
        {
            var value = JsonSerializer.Deserialize(buffer.AsSpan(), type);
            return value is null
                ? (default, Problems.Invalid("$", "The body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            return (default, Problems.Invalid(ex.Path ?? "$", $"Malformed JSON: {FirstSentence(ex.Message)}"));
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

    private static async Task<byte[]?> ReadLimitedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
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
