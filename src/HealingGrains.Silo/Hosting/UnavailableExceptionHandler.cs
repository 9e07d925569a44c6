using Microsoft.AspNetCore.Diagnostics;

namespace HealingGrains.Silo.Hosting;

/// <summary>
/// Turns a dependency that is down or busy (the cluster, storage) into 503 with <c>Retry-After</c>, and a request
/// the server refused while reading it into its own status, so that no input surfaces as 500. Storage that refuses the
/// host's own requests (a 4xx the code does not handle itself: credentials, API version) is 503 too, logged as an error.
/// </summary>
internal sealed partial class UnavailableExceptionHandler(IProblemDetailsService problems, ILogger<UnavailableExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>How long a client waits after storage refused the host: an operator has to fix it, not a moment.</summary>
    public static readonly TimeSpan RefusedRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>The answer's detail when storage refused the host's own request.</summary>
    public static string RefusedDetail(Azure.RequestFailedException refused) =>
        $"The host's storage refused its request ({refused.Status} {refused.ErrorCode}): the storage service or its configuration does not fit this host. Retry after the delay in Retry-After.";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        int status;
        string title;
        string detail;
        switch (exception)
        {
            case BadHttpRequestException bad:
                status = bad.StatusCode;
                title = "Bad request";
                detail = bad.Message;
                break;
            case not null when DependencyFailures.Refusal(exception) is { } refused:
                LogRefused(logger, exception, context.Request.Path, refused.Status, refused.ErrorCode);
                status = StatusCodes.Status503ServiceUnavailable;
                title = "Service unavailable";
                detail = RefusedDetail(refused);
                context.Response.Headers.RetryAfter = RefusedRetryAfter.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case not null when DependencyFailures.IsUnavailable(exception, context.RequestAborted):
                LogUnavailable(logger, exception, context.Request.Path);
                status = StatusCodes.Status503ServiceUnavailable;
                title = "Service unavailable";
                detail = "A dependency of the host is unavailable or busy; retry after the delay in Retry-After.";
                context.Response.Headers.RetryAfter = "1";
                break;
            default:
                return false;
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Answered 503 to {Path}: storage refused the host's request with {Status} {ErrorCode}; check its configuration")]
    private static partial void LogRefused(ILogger logger, Exception exception, string path, int status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503 to {Path}: a dependency failed")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string path);
}
