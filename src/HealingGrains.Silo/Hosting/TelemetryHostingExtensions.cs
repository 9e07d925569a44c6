using System.Reflection;
using HealingGrains.Grains.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HealingGrains.Silo.Hosting;

/// <summary>
/// The host's own traces, metrics and logs through the OTLP exporter, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (configuration or environment); nothing is exported otherwise. The exporter reads the standard <c>OTEL_*</c>
/// settings (headers, timeouts, intervals, resource attributes); the protocol defaults to http/protobuf, which this
/// host's own receiver speaks, so an installation can send its telemetry to itself as a platform tenant.
/// </summary>
public static class TelemetryHostingExtensions
{
    /// <summary>The setting that turns the exporter on.</summary>
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The service name when <c>OTEL_SERVICE_NAME</c> is not set.</summary>
    public const string DefaultServiceName = "healinggrains";

    /// <summary>Orleans' meter and activity sources.</summary>
    public static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Microsoft.Orleans.Storage", "Microsoft.Orleans.Lifecycle"];

    /// <summary>Registers the OpenTelemetry SDK with the OTLP exporter when an endpoint is configured.</summary>
    public static WebApplicationBuilder AddHealingTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var endpointText = configuration[EndpointSetting];
        if (string.IsNullOrWhiteSpace(endpointText))
        {
            return builder;
        }

        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException(
                $"{EndpointSetting} '{endpointText}' is not an absolute http(s) URL: set it to the collector's base address, e.g. http://localhost:5080, or remove it to export nothing.");
        }

        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            "grpc" => OtlpExportProtocol.Grpc,
            var other => throw new InvalidOperationException(
                $"OTEL_EXPORTER_OTLP_PROTOCOL '{other}' is not supported: use http/protobuf (the default) or grpc."),
        };

        var version = typeof(TelemetryHostingExtensions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(
                serviceName: configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : DefaultServiceName,
                serviceVersion: version?.Split('+')[0],
                serviceInstanceId: Environment.MachineName + "-" + Environment.ProcessId))
            .WithTracing(tracing => tracing
                .AddSource(OrleansSources)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsTelemetryIngest(context.Request.Path))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter("Microsoft.Orleans", HealingMetrics.MeterName, "System.Runtime")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithLogging(configureBuilder: null, configureOptions: o => o.IncludeFormattedMessage = true)
            .UseOtlpExporter(protocol, endpoint);
        return builder;
    }

    // Spans of the receiver's own requests would, when the host sends to itself, make every export produce the next.
    private static bool IsTelemetryIngest(PathString path) =>
        path.StartsWithSegments("/v1/logs") || path.StartsWithSegments("/v1/metrics") || path.StartsWithSegments("/v1/traces");
}
