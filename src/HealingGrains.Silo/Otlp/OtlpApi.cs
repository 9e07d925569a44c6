using HealingGrains.Silo.Security;

namespace HealingGrains.Silo.Otlp;

/// <summary>
/// <c>POST /v1/logs</c>, <c>/v1/metrics</c>, <c>/v1/traces</c>: OTLP/HTTP with the ingest key as a bearer header,
/// protobuf or JSON, gzip or not. 200 with the export response (partial success when records were rejected); errors
/// as <c>google.rpc.Status</c>: 400 malformed, 401/403 key, 413 too large, 415 content type or encoding, 429 over the
/// tenant's rate, 503 a dependency down (both with <c>Retry-After</c>).
/// </summary>
internal static class OtlpApi
{
    public static IEndpointRouteBuilder MapOtlpApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1").WithTags("OTLP")
            .RequireAuthorization(HealingClaims.IngestPolicy)
            .RequireRateLimiting(OtlpRateLimiting.Policy);
        group.MapPost("/logs", (HttpContext context, OtlpReceiver receiver, CancellationToken cancellationToken) => receiver.LogsAsync(context, cancellationToken))
            .WithName("OtlpLogs").WithSummary("OTLP/HTTP logs: error records (exception.* attributes, or severity ERROR and above) become error events.");
        group.MapPost("/metrics", (HttpContext context, OtlpReceiver receiver, CancellationToken cancellationToken) => receiver.MetricsAsync(context, cancellationToken))
            .WithName("OtlpMetrics").WithSummary("OTLP/HTTP metrics: gauges, sums and histograms become metric points.");
        group.MapPost("/traces", (HttpContext context, OtlpReceiver receiver, CancellationToken cancellationToken) => receiver.TracesAsync(context, cancellationToken))
            .WithName("OtlpTraces").WithSummary("OTLP/HTTP traces: exceptions recorded on spans become error events.");
        return routes;
    }
}
