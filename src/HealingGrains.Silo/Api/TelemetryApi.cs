using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Grains.Telemetry;
using HealingGrains.Silo.Security;
using HealingGrains.Storage.Queues;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealingGrains.Silo.Api;

/// <summary><c>POST /api/v1/telemetry</c>: validates a batch and publishes it on the deployment's diagnostics stream (<see cref="TelemetryPublisher"/>), answering 202 once it is published.</summary>
internal static class TelemetryApi
{
    /// <summary>The most events one request may carry.</summary>
    public const int MaxEvents = 1000;

    /// <summary>The endpoint's path.</summary>
    public const string Path = "/api/v1/telemetry";

    public static IEndpointRouteBuilder MapTelemetryApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Path, PostAsync)
            .WithTags("Telemetry").RequireAuthorization(HealingClaims.IngestPolicy)
            .WithName("PostTelemetry").WithSummary("Sends errors and metrics of a registered deployment (1 to 1,000 events, at most 1 MiB).")
            .Accepts<TelemetryRequest>("application/json");
        return routes;
    }

    private static Task<Results<Accepted<TelemetryAccepted>, ProblemHttpResult>> PostAsync(
        HttpContext context, TelemetryPublisher publisher, TimeProvider time, CancellationToken cancellationToken) =>
        AcceptAsync(context, context.User.TenantId(), publisher, time, cancellationToken);

    /// <summary>Reads, validates and publishes the request's events for <paramref name="tenantId"/>, whose key may ingest.</summary>
    internal static async Task<Results<Accepted<TelemetryAccepted>, ProblemHttpResult>> AcceptAsync(
        HttpContext context, string tenantId, TelemetryPublisher publisher, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, ApiJsonContext.Default.TelemetryRequest, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (body!.Events is { Count: > MaxEvents })
        {
            return Problems.Status(
                StatusCodes.Status413PayloadTooLarge, "Too many events",
                $"A request may carry at most {MaxEvents} events; this one has {body.Events.Count}. Split it into several requests.");
        }

        var receivedAt = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        if (!ResourceNames.IsValidDeployment(body.Deployment))
        {
            errors["deployment"] = [$"Required: the name of a registered deployment ({ResourceNames.DeploymentRule})."];
        }

        var events = TelemetryValidator.Validate(body.Events, receivedAt, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        if (await publisher.FindAsync(tenantId, body.Deployment!) is not { } lane)
        {
            return Problems.NotFound(
                $"No deployment '{body.Deployment}' in this tenant: register it first with PUT /api/v1/deployments/{body.Deployment}.");
        }

        // 202 only once the events are published: on the durable stream, that is when their queue message is stored.
        try
        {
            await lane.PublishAsync(receivedAt, events);
        }
        catch (QueueMessageTooLargeException ex)
        {
            return Problems.Status(
                StatusCodes.Status413PayloadTooLarge, "Event too large",
                $"{ex.Message} Send very large events on their own or shorten their stack traces; events before it in this request may have been recorded.");
        }

        HealingMetrics.Ingested(DiagnosticEventKind.Error, "api", events.Count(e => e.Kind == DiagnosticEventKind.Error));
        HealingMetrics.Ingested(DiagnosticEventKind.Metric, "api", events.Count(e => e.Kind == DiagnosticEventKind.Metric));
        return TypedResults.Accepted((string?)null, new TelemetryAccepted { Accepted = events.Count });
    }
}
