using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.AspNetCore.Http.Features;

namespace HealingGrains.Silo.Otlp;

/// <summary>
/// Reads an OTLP/HTTP body: the encoding from the content type, gzip within a hard limit on what it inflates to, and
/// the message from protobuf or OTLP's JSON (hex trace and span ids, enums as names or numbers, 64-bit integers as
/// numbers or strings). Every failure is an <see cref="OtlpResult"/> error: 415, 413 or 400.
/// </summary>
internal static class OtlpBody
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true).WithRecursionLimit(64));

    // OTLP's JSON writes these bytes fields as hex, where protobuf's JSON mapping expects base64.
    private static readonly HashSet<string> HexFields = new(StringComparer.Ordinal)
    {
        "traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id",
    };

    public static OtlpEncoding? EncodingOf(string? contentType)
    {
        var media = contentType?.Split(';')[0].Trim();
        return media switch
        {
            _ when string.Equals(media, OtlpResult.ProtobufContentType, StringComparison.OrdinalIgnoreCase) => OtlpEncoding.Protobuf,
            _ when string.Equals(media, OtlpResult.JsonContentType, StringComparison.OrdinalIgnoreCase) => OtlpEncoding.Json,
            _ => null,
        };
    }

    public static async Task<(byte[]? Body, OtlpResult? Error)> ReadAsync(
        HttpRequest request, OtlpEncoding encoding, OtlpOptions options, CancellationToken cancellationToken)
    {
        var contentEncoding = request.Headers.ContentEncoding.ToString().Trim();
        var gzip = contentEncoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || contentEncoding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && contentEncoding.Length > 0 && !contentEncoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return (null, OtlpResult.Error(
                StatusCodes.Status415UnsupportedMediaType, encoding,
                $"Content-Encoding '{contentEncoding}' is not supported: send gzip or no encoding."));
        }

        if (request.ContentLength > options.MaxRequestBytes)
        {
            return (null, TooLarge(encoding, options.MaxRequestBytes, "as sent"));
        }

        // Kestrel's global cap is sized for the JSON API; this receiver has its own limit, enforced while reading.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = options.MaxRequestBytes + 1L;
        }

        var raw = await ReadLimitedAsync(request.Body, options.MaxRequestBytes, cancellationToken);
        if (raw is null)
        {
            return (null, TooLarge(encoding, options.MaxRequestBytes, "as sent"));
        }

        if (!gzip)
        {
            return (raw, null);
        }

        try
        {
            await using var inflater = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            var inflated = await ReadLimitedAsync(inflater, options.MaxDecompressedBytes, cancellationToken);
            return inflated is null
                ? (null, TooLarge(encoding, options.MaxDecompressedBytes, "after gzip decompression"))
                : (inflated, null);
        }
        catch (InvalidDataException)
        {
            return (null, OtlpResult.Error(StatusCodes.Status400BadRequest, encoding, "The body is not valid gzip although Content-Encoding says gzip."));
        }
    }

    public static (T? Message, OtlpResult? Error) Parse<T>(byte[] body, OtlpEncoding encoding, MessageParser<T> parser)
        where T : class, IMessage<T>, new()
    {
        try
        {
            return encoding == OtlpEncoding.Protobuf
                ? (parser.ParseFrom(body), null)
                : (Parser.Parse<T>(HexIdsToBase64(body)), null);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return (null, Malformed(encoding, ex.Message));
        }
        catch (InvalidJsonException ex)
        {
            return (null, Malformed(encoding, ex.Message));
        }
        catch (JsonException ex)
        {
            return (null, Malformed(encoding, ex.Message));
        }
        catch (FormatException ex)
        {
            return (null, Malformed(encoding, ex.Message));
        }
    }

    private static OtlpResult Malformed(OtlpEncoding encoding, string detail) =>
        OtlpResult.Error(
            StatusCodes.Status400BadRequest, encoding,
            $"The body is not a valid OTLP {(encoding == OtlpEncoding.Json ? "JSON" : "protobuf")} export request: {detail}");

    private static OtlpResult TooLarge(OtlpEncoding encoding, int limit, string when) =>
        OtlpResult.Error(
            StatusCodes.Status413PayloadTooLarge, encoding,
            $"The body is over {limit} bytes {when}; send smaller batches (the exporter's batch size).");

    private static string HexIdsToBase64(byte[] body)
    {
        // Duplicate properties are refused while parsing (a JsonObject would throw on them later, while converting).
        var root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false })
            ?? throw new FormatException("The body is JSON null; send an export request object.");
        Convert(root);
        return root.ToJsonString();
    }

    private static void Convert(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (value is null)
                    {
                        continue;
                    }

                    if (HexFields.Contains(name) && value is JsonValue v && v.TryGetValue<string>(out var hex))
                    {
                        obj[name] = HexToBase64(name, hex);
                    }
                    else
                    {
                        Convert(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        Convert(item);
                    }
                }

                break;
        }
    }

    private static string HexToBase64(string name, string hex)
    {
        try
        {
            return System.Convert.ToBase64String(System.Convert.FromHexString(hex));
        }
        catch (FormatException)
        {
            throw new FormatException($"'{name}' must be a hex string (OTLP JSON encodes trace and span ids as hex, not base64).");
        }
    }

    private static async Task<byte[]?> ReadLimitedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
