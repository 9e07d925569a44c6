using System.Net.Sockets;
using Azure;
using HealingGrains.Storage;

namespace HealingGrains.Silo.Hosting;

/// <summary>
/// Which exceptions mean that a dependency (the cluster, Azure tables or queues, SQLite) is down, slow or busy, so the
/// request is answered 503 with <c>Retry-After</c> rather than 500. They reach the API in several shapes: the Azure SDK
/// throws <see cref="RequestFailedException"/> (status 0 when nothing answered), or an <see cref="AggregateException"/>
/// of every attempt once its retries are spent (connection refused, or its network timeout as
/// <see cref="TaskCanceledException"/>); Orleans wraps a grain's storage failure in <see cref="OrleansException"/>. Storage
/// that refuses the host's own requests (<see cref="Refusal"/>) is a dependency failure too, never a 500.
/// </summary>
internal static class DependencyFailures
{
    /// <summary>Whether <paramref name="exception"/> says a dependency failed, not that the request or the code is wrong.</summary>
    public static bool IsUnavailable(Exception exception, CancellationToken requestAborted) => exception switch
    {
        // The client went away: nothing to answer, and not the dependency's fault.
        OperationCanceledException when requestAborted.IsCancellationRequested => false,

        // Includes InconsistentStateException, SiloUnavailableException and storage errors Orleans wrapped.
        OrleansException or TimeoutException => true,
        // Every status the stores do not handle themselves: none, 408, 429 and 5xx when storage is down or busy, any
        // other 4xx when it refuses the host's own request (see Refusal).
        RequestFailedException => true,
        AggregateException { InnerExceptions.Count: > 0 } all => all.InnerExceptions.All(e => IsUnavailable(e, requestAborted)),
        HttpRequestException or SocketException or IOException => true,

        // A timeout inside a dependency's client (the Azure SDK's network timeout), while the client still waits.
        OperationCanceledException => true,
        RowConflictException => true,
        _ => false,
    };

    /// <summary>
    /// The storage's refusal of the host's own request that <paramref name="exception"/> carries, if it does: a 4xx
    /// other than 408 and 429 that the code did not handle (credentials or a role missing, an API version the service
    /// does not know, a wrong account). Nothing in the client's request changes it; it needs an operator.
    /// </summary>
    public static RequestFailedException? Refusal(Exception exception)
    {
        for (var e = (Exception?)exception; e is not null; e = e is AggregateException { InnerExceptions.Count: > 0 } all ? all.InnerExceptions[0] : e.InnerException)
        {
            if (e is RequestFailedException { Status: >= 400 and < 500 and not 408 and not 429 } refused)
            {
                return refused;
            }
        }

        return null;
    }
}
