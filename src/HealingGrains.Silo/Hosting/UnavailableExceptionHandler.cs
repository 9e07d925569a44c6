using Microsoft.AspNetCore.Diagnostics;

namespace HealingGrains.Silo.Hosting;

/// <summary>
/// Turns a dependency that is down or busy (the cluster, storage) into 503 with <c>Retry-After</c>, and a request
/// the server refused while reading it into its own status, so that no input surfaces as 500.
/// </summary>
internal sealed partial class UnavailableExceptionHandler(IProblemDetailsService problems, ILogger<UnavailableExceptionHandler> logger)
    : IExceptionHandler
{
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503 to {Path}: a dependency failed")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string path);
}
