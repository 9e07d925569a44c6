using System.Net.Sockets;
using Azure;
using HealingGrains.Storage;

namespace HealingGrains.Silo.Hosting;

/// <summary>
/// Which exceptions mean that a dependency (the cluster, Azure tables or queues, SQLite) is down, slow or busy, so the
/// request is answered 503 with <c>Retry-After</c> rather than 500. They reach the API in several shapes: the Azure SDK
/// throws <see cref="RequestFailedException"/> (status 0 when nothing answered), or an <see cref="AggregateException"/>
/// of every attempt once its retries are spent (connection refused, or its network timeout as
/// <see cref="TaskCanceledException"/>); Orleans wraps a grain's storage failure in <see cref="OrleansException"/>.
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
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        AggregateException { InnerExceptions.Count: > 0 } all => all.InnerExceptions.All(e => IsUnavailable(e, requestAborted)),
        HttpRequestException or SocketException or IOException => true,

        // A timeout inside a dependency's client (the Azure SDK's network timeout), while the client still waits.
        OperationCanceledException => true,
        RowConflictException => true,
        _ => false,
    };
}
