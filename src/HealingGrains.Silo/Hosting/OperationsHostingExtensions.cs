using System.Text.Json;
using HealingGrains.Silo.Health;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Dashboard;

namespace HealingGrains.Silo.Hosting;

/// <summary>What operators and orchestrators watch: health endpoints and the Orleans Dashboard.</summary>
public static class OperationsHostingExtensions
{
    /// <summary>Where the Orleans Dashboard is served.</summary>
    public const string DashboardPath = "/dashboard";

    private const string ReadyTag = "ready";

    /// <summary>Health checks: storage and clustering, both needed to be ready.</summary>
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag])
            .AddCheck<ClusterHealthCheck>("clustering", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>The dashboard's collectors on the silo (grain statistics, profiling only while someone watches).</summary>
    public static ISiloBuilder AddOperationsDashboard(this ISiloBuilder silo) => silo.AddDashboard();

    /// <summary>
    /// <c>/health/live</c> (the process answers) and <c>/health/ready</c> (storage and clustering), open to probes
    /// with a bare status; the operator (key or portal sign-in) gets every check's result. The dashboard at
    /// <see cref="DashboardPath"/>, for the operator only.
    /// </summary>
    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .WithTags("Health").WithName("HealthLive").WithSummary("Liveness: 200 while the process answers.");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .WithTags("Health").WithName("HealthReady").WithSummary("Readiness: 200 when storage and clustering answer, else 503.");
        app.MapOrleansDashboard(routePrefix: DashboardPath).RequireAuthorization(HealingClaims.OperatorPolicy);
        return app;
    }

    // Probes get the status word; the operator also gets each check, so a failing dependency is named.
    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        if (report.Status != HealthStatus.Healthy)
        {
            context.Response.Headers.RetryAfter = "5";
        }

        if (!context.User.HasClaim(HealingClaims.Kind, "operator"))
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(report.Status.ToString());
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", entry.Description);
            json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
