using Google.Protobuf;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Grains.Telemetry;
using HealingGrains.Silo.Api;
using HealingGrains.Silo.Otlp.Proto.Collector.Logs;
using HealingGrains.Silo.Otlp.Proto.Collector.Metrics;
using HealingGrains.Silo.Otlp.Proto.Collector.Trace;
using HealingGrains.Silo.Security;
using Microsoft.Extensions.Options;

namespace HealingGrains.Silo.Otlp;

/// <summary>
/// The OTLP/HTTP receiver behind <c>/v1/logs</c>, <c>/v1/metrics</c> and <c>/v1/traces</c>: reads and decodes the
/// request, maps each resource to a registered deployment of the caller's tenant, turns records into diagnostic events
/// and publishes them on the deployments' streams, like <c>POST /api/v1/telemetry</c>.
/// </summary>
internal sealed partial class OtlpReceiver(
    IClusterClient cluster, TelemetryPublisher publisher, TimeProvider time, IOptions<OtlpOptions> options, OtlpCumulativeSeries cumulative,
    ILogger<OtlpReceiver> logger)
{
    public Task<OtlpResult> LogsAsync(HttpContext context, CancellationToken cancellationToken) =>
        ReceiveAsync(
            context, ExportLogsServiceRequest.Parser, OtlpLogs.Count, OtlpLogs.ConvertAsync,
            ingest => new ExportLogsServiceResponse
            {
                PartialSuccess = ingest.Rejected == 0 ? null : new ExportLogsPartialSuccess { RejectedLogRecords = ingest.Rejected, ErrorMessage = ingest.ErrorMessage },
            },
            "log records", cancellationToken);

    public Task<OtlpResult> MetricsAsync(HttpContext context, CancellationToken cancellationToken) =>
        ReceiveAsync(
            context, ExportMetricsServiceRequest.Parser, OtlpMetrics.Count,
            (request, resolver, ingest, receivedAt) => OtlpMetrics.ConvertAsync(request, resolver, ingest, receivedAt, cumulative, context.User.TenantId()),
            ingest => new ExportMetricsServiceResponse
            {
                PartialSuccess = ingest.Rejected == 0 ? null : new ExportMetricsPartialSuccess { RejectedDataPoints = ingest.Rejected, ErrorMessage = ingest.ErrorMessage },
            },
            "data points", cancellationToken);

    public Task<OtlpResult> TracesAsync(HttpContext context, CancellationToken cancellationToken) =>
        ReceiveAsync(
            context, ExportTraceServiceRequest.Parser, OtlpTraces.Count, OtlpTraces.ConvertAsync,
            ingest => new ExportTraceServiceResponse
            {
                PartialSuccess = ingest.Rejected == 0 ? null : new ExportTracePartialSuccess { RejectedSpans = ingest.Rejected, ErrorMessage = ingest.ErrorMessage },
            },
            "spans", cancellationToken);

    private async Task<OtlpResult> ReceiveAsync<TRequest>(
        HttpContext context,
        MessageParser<TRequest> parser,
        Func<TRequest, int> count,
        Func<TRequest, OtlpDeploymentResolver, OtlpIngest, DateTimeOffset, Task> convert,
        Func<OtlpIngest, IMessage> respond,
        string items,
        CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>, new()
    {
        if (OtlpBody.EncodingOf(context.Request.ContentType) is not { } encoding)
        {
            return OtlpResult.Error(
                StatusCodes.Status415UnsupportedMediaType, null,
                $"Content-Type '{context.Request.ContentType}' is not OTLP/HTTP: send {OtlpResult.ProtobufContentType} or {OtlpResult.JsonContentType}.");
        }

        var limits = options.Value;
        var (body, readError) = await OtlpBody.ReadAsync(context.Request, encoding, limits, cancellationToken);
        if (readError is not null)
        {
            return readError;
        }

        var (request, parseError) = OtlpBody.Parse(body!, encoding, parser);
        if (parseError is not null)
        {
            return parseError;
        }

        var total = count(request!);
        if (total > limits.MaxItemsPerRequest)
        {
            return OtlpResult.Error(
                StatusCodes.Status413PayloadTooLarge, encoding,
                $"The request carries {total} {items}; at most {limits.MaxItemsPerRequest} are accepted at once. Send smaller batches.");
        }

        var tenantId = context.User.TenantId();
        var receivedAt = time.GetUtcNow();
        var ingest = new OtlpIngest();
        try
        {
            await convert(request!, new OtlpDeploymentResolver(cluster, tenantId), ingest, receivedAt);
            // Through the same publisher as POST /api/v1/telemetry: batches cut by size (a durable queue refuses big
            // messages), grouped with other requests for the deployment while its last publish is in flight.
            foreach (var (deployment, events) in ingest.Events)
            {
                var lane = await publisher.FindAsync(tenantId, deployment)
                    ?? throw new InvalidOperationException($"Deployment '{deployment}' was resolved as registered, and a registration cannot be undone.");
                await lane.PublishAsync(receivedAt, events);
            }
        }
        catch (HealingGrains.Storage.Queues.QueueMessageTooLargeException ex)
        {
            // One event that no queue message holds even alone (a durable stream's limit, after compression).
            return OtlpResult.Error(
                StatusCodes.Status413PayloadTooLarge, encoding,
                $"{ex.Message} Send very large records on their own or shorten them; records before it in this request may have been recorded.");
        }
        catch (Exception ex) when (Hosting.DependencyFailures.IsUnavailable(ex, context.RequestAborted))
        {
            LogUnavailable(logger, ex, context.Request.Path);
            return Hosting.DependencyFailures.Refusal(ex) is { } refused
                ? OtlpResult.Error(StatusCodes.Status503ServiceUnavailable, encoding, Hosting.UnavailableExceptionHandler.RefusedDetail(refused), Hosting.UnavailableExceptionHandler.RefusedRetryAfter)
                : OtlpResult.Error(
                    StatusCodes.Status503ServiceUnavailable, encoding, "A dependency of the host is unavailable or busy; retry after the delay in Retry-After.",
                    TimeSpan.FromSeconds(1));
        }

        var kept = ingest.Events.Values.SelectMany(e => e).ToList();
        HealingMetrics.Ingested(DiagnosticEventKind.Error, "otlp", kept.Count(e => e.Kind == DiagnosticEventKind.Error));
        HealingMetrics.Ingested(DiagnosticEventKind.Metric, "otlp", kept.Count(e => e.Kind == DiagnosticEventKind.Metric));
        if (ingest.Rejected > 0)
        {
            LogRejected(logger, ingest.Rejected, total, items, ingest.ErrorMessage);
        }

        return OtlpResult.Ok(encoding, respond(ingest));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "OTLP request to {Path} answered 503: a dependency failed")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string path);

    // Debug, not warning: a host that sends its own logs to itself would otherwise feed on its own rejections.
    [LoggerMessage(Level = LogLevel.Debug, Message = "OTLP: rejected {Rejected} of {Total} {Items}: {Reason}")]
    private static partial void LogRejected(ILogger logger, long rejected, int total, string items, string reason);
}
