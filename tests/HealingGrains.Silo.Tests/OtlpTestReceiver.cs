using System.Collections.Concurrent;
using Google.Protobuf;
using HealingGrains.Silo.Otlp.Proto.Collector.Logs;
using HealingGrains.Silo.Otlp.Proto.Collector.Metrics;
using HealingGrains.Silo.Otlp.Proto.Collector.Trace;

namespace HealingGrains.Silo.Tests;

/// <summary>
/// A minimal OTLP/HTTP collector on a loopback port: Kestrel endpoints that decode the protobuf export requests and
/// keep what arrived (spans with their scopes, metric names with their scopes, log bodies, resources).
/// </summary>
internal sealed class OtlpTestReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpTestReceiver(WebApplication app) => _app = app;

    public Uri Address => new(_app.Urls.First());

    public ConcurrentBag<(string Scope, string Name, string Service)> Spans { get; } = [];

    public ConcurrentBag<(string Scope, string Name, string Service)> Metrics { get; } = [];

    public ConcurrentBag<string> Logs { get; } = [];

    public ConcurrentBag<string> ContentTypes { get; } = [];

    public static async Task<OtlpTestReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpTestReceiver(app);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            var export = ExportTraceServiceRequest.Parser.ParseFrom(await receiver.ReadAsync(request));
            foreach (var resource in export.ResourceSpans)
            {
                foreach (var scope in resource.ScopeSpans)
                {
                    foreach (var span in scope.Spans)
                    {
                        receiver.Spans.Add((scope.Scope?.Name ?? "", span.Name, ServiceOf(resource.Resource)));
                    }
                }
            }

            return Reply(new ExportTraceServiceResponse());
        });
        app.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            var export = ExportMetricsServiceRequest.Parser.ParseFrom(await receiver.ReadAsync(request));
            foreach (var resource in export.ResourceMetrics)
            {
                foreach (var scope in resource.ScopeMetrics)
                {
                    foreach (var metric in scope.Metrics)
                    {
                        receiver.Metrics.Add((scope.Scope?.Name ?? "", metric.Name, ServiceOf(resource.Resource)));
                    }
                }
            }

            return Reply(new ExportMetricsServiceResponse());
        });
        app.MapPost("/v1/logs", async (HttpRequest request) =>
        {
            var export = ExportLogsServiceRequest.Parser.ParseFrom(await receiver.ReadAsync(request));
            foreach (var record in export.ResourceLogs.SelectMany(r => r.ScopeLogs).SelectMany(s => s.LogRecords))
            {
                receiver.Logs.Add(record.Body?.StringValue ?? "");
            }

            return Reply(new ExportLogsServiceResponse());
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<byte[]> ReadAsync(HttpRequest request)
    {
        ContentTypes.Add(request.ContentType ?? "");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static string ServiceOf(HealingGrains.Silo.Otlp.Proto.Resource.Resource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue ?? "";

    private static IResult Reply(IMessage response) => Results.Bytes(response.ToByteArray(), "application/x-protobuf");
}
