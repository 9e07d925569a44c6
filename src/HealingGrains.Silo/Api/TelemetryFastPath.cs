using System.Text.Json;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealingGrains.Silo.Api;

/// <summary>
/// <c>POST /api/v1/telemetry</c> with a key that may ingest, answered without the authentication, authorization and
/// routing middleware: for a single-event request those were about a sixth of the host's work (a new handler, a policy
/// scheme's forward, claims, a policy evaluation and an endpoint match per request), more than reading, validating and
/// publishing the event. It runs after admission (the tenant's rate, the host's limits), as the endpoint does, and does
/// what the endpoint does (<see cref="TelemetryApi.AcceptAsync"/>). Everything else (no key, an unknown one, a key of
/// another kind, another method or path) goes down the pipeline as before and gets the pipeline's answers; the key is
/// looked at once either way (<see cref="ApiKeyAuthenticator"/>).
/// </summary>
internal sealed class TelemetryFastPath(RequestDelegate next, ApiKeyAuthenticator authenticator, TelemetryPublisher publisher, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method)
            && request.Path.Equals(TelemetryApi.Path, StringComparison.OrdinalIgnoreCase)
            && await authenticator.AuthenticateAsync(context) is { MayIngest: true } identity)
        {
            var result = await TelemetryApi.AcceptAsync(context, identity.TenantId!, publisher, time, context.RequestAborted);
            if (result.Result is Accepted<TelemetryAccepted> { Value: { } accepted })
            {
                await WriteAcceptedAsync(context.Response, accepted);
            }
            else
            {
                await result.ExecuteAsync(context);
            }

            return;
        }

        await next(context);
    }

    // What the endpoint's 202 writes, with its length: the serializer's asynchronous writer and a chunked body cost about
    // 2% of the host's work under single-event ingest, for a body of some twenty bytes.
    private static async Task WriteAcceptedAsync(HttpResponse response, TelemetryAccepted accepted)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(accepted, ApiJsonContext.Default.TelemetryAccepted);
        response.StatusCode = StatusCodes.Status202Accepted;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, response.HttpContext.RequestAborted);
    }
}
