using Google.Protobuf;
using HealingGrains.Silo.Otlp.Proto.Rpc;

namespace HealingGrains.Silo.Otlp;

/// <summary>
/// An OTLP/HTTP answer: an Export*ServiceResponse on success, a <c>google.rpc.Status</c> on failure, in the encoding of
/// the request (JSON when the request's encoding is unknown).
/// </summary>
internal sealed class OtlpResult(int statusCode, OtlpEncoding encoding, IMessage body, TimeSpan? retryAfter = null) : IResult
{
    public const string ProtobufContentType = "application/x-protobuf";
    public const string JsonContentType = "application/json";

    public int StatusCode { get; } = statusCode;

    public IMessage Body { get; } = body;

    public static OtlpResult Ok(OtlpEncoding encoding, IMessage response) => new(StatusCodes.Status200OK, encoding, response);

    /// <summary>An error with its gRPC code chosen from the HTTP status, as OTLP/HTTP's error body.</summary>
    public static OtlpResult Error(int statusCode, OtlpEncoding? encoding, string message, TimeSpan? retryAfter = null) =>
        new(statusCode, encoding ?? OtlpEncoding.Json, new Status { Code = GrpcCode(statusCode), Message = message }, retryAfter);

    public static string ContentType(OtlpEncoding encoding) => encoding == OtlpEncoding.Json ? JsonContentType : ProtobufContentType;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        response.ContentType = ContentType(encoding);
        var bytes = encoding == OtlpEncoding.Json
            ? System.Text.Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(Body))
            : Body.ToByteArray();
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes, httpContext.RequestAborted).AsTask();
    }

    // google.rpc.Code values: what a gRPC client would have been told for the same failure.
    private static int GrpcCode(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest or StatusCodes.Status415UnsupportedMediaType => 3, // INVALID_ARGUMENT
        StatusCodes.Status401Unauthorized => 16, // UNAUTHENTICATED
        StatusCodes.Status403Forbidden => 7, // PERMISSION_DENIED
        StatusCodes.Status404NotFound => 5, // NOT_FOUND
        StatusCodes.Status413PayloadTooLarge or StatusCodes.Status429TooManyRequests => 8, // RESOURCE_EXHAUSTED
        StatusCodes.Status503ServiceUnavailable => 14, // UNAVAILABLE
        _ => 2, // UNKNOWN
    };
}
