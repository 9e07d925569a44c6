using System.Globalization;
using System.Threading.RateLimiting;
using HealingGrains.Core.Security;
using HealingGrains.Grains.Telemetry;
using HealingGrains.Silo.Otlp;
using Microsoft.Extensions.Options;

namespace HealingGrains.Silo.Hosting;

/// <summary>
/// How ingest is admitted under load (configuration section <c>HealingGrains:Admission</c>). Every limit is checked
/// before the key is authenticated and the body read, so a shed request costs no grain call and no parsing.
/// </summary>
public sealed class AdmissionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "HealingGrains:Admission";

    /// <summary>Ingest requests per second one tenant may send, on average. Default: 2,000.</summary>
    public int TenantRequestsPerSecond { get; set; } = 2_000;

    /// <summary>How many ingest requests one tenant may send at once above its rate. Default: 4,000.</summary>
    public int TenantBurst { get; set; } = 4_000;

    /// <summary>Ingest requests this host works on at once, all tenants together; more are shed (503). Default: 256.</summary>
    public int MaxConcurrentRequests { get; set; } = 256;

    /// <summary>
    /// The stream lag (acceptance to processing, a moving average) over which new ingest is shed (503) until processing
    /// catches up: the bound on what waits in the streams' queues. Default: 5 seconds (a lag a busy host can show for
    /// moments without being overloaded; lower it where ingest latency matters more than accepting bursts).
    /// </summary>
    public TimeSpan MaxStreamLag { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The stream lag from which new ingest is shed (503): from here the host admits what it processes and sheds what it
    /// is offered beyond that, admitting less the longer the lag, down to nothing at <see cref="MaxStreamLag"/> (see
    /// <see cref="ShedShare(TimeSpan, double, double, double?)"/>). Default: 0.05 second (0.1 until a host offered less than it
    /// processes stopped shedding whatever its lag). Shedding starts here only when a backlog stands behind the lag
    /// (see <see cref="MinShedBacklog"/>).
    /// </summary>
    public TimeSpan StreamLagTarget { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How many events must wait (the lag times the rate at which events are processed) before the lag sheds anything
    /// short of <see cref="MaxStreamLag"/>. Default: 5,000. A lag with next to nothing waiting comes from a machine that
    /// is only slow (a loaded test machine showed 0.5–0.7 s with a few events a second), and shedding would not shorten
    /// it; a host over its capacity builds thousands within a fraction of a second. So shedding starts at the larger of
    /// <see cref="StreamLagTarget"/> and the time this many events take at the current rate.
    /// </summary>
    public int MinShedBacklog { get; set; } = 5_000;

    /// <summary>
    /// The lag at which shedding starts when <paramref name="eventsPerSecond"/> events are processed per second: the
    /// larger of <see cref="StreamLagTarget"/> and the time <see cref="MinShedBacklog"/> events take, at most
    /// <see cref="MaxStreamLag"/>.
    /// </summary>
    public TimeSpan ShedStart(double eventsPerSecond) =>
        eventsPerSecond * MaxStreamLag.TotalSeconds <= MinShedBacklog ? MaxStreamLag
        : TimeSpan.FromSeconds(Math.Max(StreamLagTarget.TotalSeconds, MinShedBacklog / eventsPerSecond));

    /// <summary>
    /// The thread pool's queueing delay (<see cref="DispatchDelay"/>) over which this process counts as oversubscribed:
    /// then events accepted and not yet taken up by processing count as lag too (<see cref="IngestPressure.Waiting"/>).
    /// Default: 0.05 second. On this project's two-core benchmark machine the delay stayed under 0.03 s while the host
    /// answered as fast as it could to 128 connections, and was 0.06–0.25 s at the start of a 120% overload, while
    /// processing had stopped.
    /// </summary>
    public TimeSpan DispatchDelayTarget { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The share of ingest to shed now, from <paramref name="pressure"/>: its lag, the most events it processed per second
    /// lately (a pause of processing is not an overload) and the events offered per second. While the thread pool's
    /// queueing delay (<paramref name="dispatchDelay"/>) is over <see cref="DispatchDelayTarget"/>, the lag is at least
    /// how long the oldest event accepted since processing last started has waited, with the events accepted per second
    /// behind it: a host starved by its intake that stops processing is then seen within a fraction of a second.
    /// </summary>
    public double ShedShare(IngestPressure pressure, TimeSpan dispatchDelay = default)
    {
        var lag = pressure.Lag;
        var processed = pressure.PeakEventsPerSecond;
        var arriving = processed;
        // Only on a host that processes (observed within IngestPressure.Memory): one whose classifiers all run elsewhere
        // accepts events it never takes up, and its waiting would only grow.
        if (dispatchDelay > DispatchDelayTarget && processed > 0 && pressure.Waiting is var waiting && waiting > lag)
        {
            lag = waiting;
            arriving = Math.Max(processed, pressure.AcceptedEventsPerSecond);
        }

        return ShedShare(lag, processed, pressure.OfferedEventsPerSecond, arriving);
    }

    /// <summary>
    /// The share of ingest shed at <paramref name="lag"/> while <paramref name="processedPerSecond"/> events are processed
    /// and <paramref name="offeredPerSecond"/> offered per second. None up to <see cref="ShedStart"/>; past it the host
    /// admits what it processes, less a share that grows evenly with the lag to all of it at <see cref="MaxStreamLag"/>
    /// (so a backlog drains), and sheds the rest of what it is offered: an overloaded host sheds its excess as soon as
    /// the lag passes the start, and the lag stays near it. When what is offered is not known (NaN: nothing passed
    /// lately), the share is that growing share alone. The backlog behind the lag (<see cref="ShedStart"/>) is counted
    /// at the larger of the processed rate and <paramref name="arrivingPerSecond"/> (Little's law counts what arrives;
    /// the two differ when processing has stopped).
    /// </summary>
    public double ShedShare(TimeSpan lag, double processedPerSecond, double offeredPerSecond, double? arrivingPerSecond = null)
    {
        if (lag >= MaxStreamLag)
        {
            return 1;
        }

        var start = ShedStart(Math.Max(processedPerSecond, arrivingPerSecond ?? 0));
        if (lag <= start)
        {
            return 0;
        }

        var drain = (lag - start) / (MaxStreamLag - start);
        if (!(offeredPerSecond > 0))
        {
            return drain;
        }

        var admitted = processedPerSecond * (1 - drain);
        return Math.Clamp(1 - (admitted / offeredPerSecond), 0, 1);
    }
}

/// <summary>
/// Admission control for the ingest endpoints (<c>POST /api/v1/telemetry</c>, <c>/v1/logs</c>, <c>/v1/metrics</c>,
/// <c>/v1/traces</c>): over a tenant's rate, 429; over the host's concurrency or while processing lags behind a backlog, 503; both with
/// <c>Retry-After</c>, as problem details or, on the OTLP paths, as an OTLP status.
/// </summary>
internal sealed class AdmissionMiddleware(RequestDelegate next, IOptions<AdmissionOptions> options, IngestPressure pressure, DispatchDelay dispatch) : IDisposable
{
    private readonly AdmissionOptions _options = options.Value;
    private readonly PartitionedRateLimiter<string> _tenants = PartitionedRateLimiter.Create<string, string>(tenant =>
        RateLimitPartition.GetTokenBucketLimiter(tenant, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.TenantBurst,
            TokensPerPeriod = options.Value.TenantRequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    private int _inFlight;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsIngest(context.Request))
        {
            await next(context);
            return;
        }

        pressure.Offered();
        var shed = _options.ShedShare(pressure, dispatch.Current);

        if (shed > 0 && (shed >= 1 || Random.Shared.NextDouble() < shed))
        {
            var lag = pressure.Lag;
            var waiting = lag.TotalSeconds * pressure.EventsPerSecond;
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, TimeSpan.FromSeconds(1),
                shed >= 1
                    ? $"Processing lags {lag.TotalSeconds:0.0} s behind ingestion; this host takes no new events until it catches up. Retry after the delay in Retry-After."
                    : $"Processing lags {lag.TotalSeconds:0.00} s behind ingestion with about {waiting:N0} events waiting; this host sheds {shed * 100:0}% of new ingest, what it is offered beyond what it processes, until it catches up. Retry after the delay in Retry-After.");
            return;
        }

        pressure.Passed();
        using var lease = _tenants.AttemptAcquire(TenantOf(context.Request));
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var delay) ? delay : TimeSpan.FromSeconds(1);
            await RefuseAsync(context, StatusCodes.Status429TooManyRequests, retryAfter,
                $"This tenant sends more than {_options.TenantRequestsPerSecond} ingest requests per second; retry after the delay in Retry-After, or send larger batches.");
            return;
        }

        if (Interlocked.Increment(ref _inFlight) > _options.MaxConcurrentRequests)
        {
            Interlocked.Decrement(ref _inFlight);
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, TimeSpan.FromSeconds(1),
                "This host is at its limit of concurrent ingest requests; retry after the delay in Retry-After.");
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public void Dispose() => _tenants.Dispose();

    private static bool IsIngest(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (request.Path.Equals("/api/v1/telemetry", StringComparison.OrdinalIgnoreCase) || request.Path.StartsWithSegments("/v1"));

    // The tenant a key names (keys carry their tenant's id); authentication comes later, so a forged key only spends the
    // bucket of the tenant it names, or the shared one of keys that name none.
    private static string TenantOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? ApiKeys.TryGetTenantId(header[7..].Trim()) ?? ""
            : "";
    }

    private static async Task RefuseAsync(HttpContext context, int status, TimeSpan retryAfter, string detail)
    {
        if (context.Request.Path.StartsWithSegments("/v1"))
        {
            await OtlpResult.Error(status, OtlpBody.EncodingOf(context.Request.ContentType), detail, retryAfter).ExecuteAsync(context);
            return;
        }

        context.Response.StatusCode = status;
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = status,
                Title = status == StatusCodes.Status429TooManyRequests ? "Too many requests" : "Service busy",
                Detail = detail,
            },
        });
    }
}
