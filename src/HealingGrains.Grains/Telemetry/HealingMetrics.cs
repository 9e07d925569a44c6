using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HealingGrains.Grains.Telemetry;

/// <summary>
/// The platform's own metrics (meter <see cref="MeterName"/>): what the healing loop does, for the host's operators.
/// No instrument carries a tenant, deployment or fingerprint: the host's telemetry may leave the installation.
/// </summary>
public static class HealingMetrics
{
    /// <summary>The meter's name, for <c>AddMeter</c>.</summary>
    public const string MeterName = "HealingGrains";

    private static readonly Meter Meter = new(MeterName, typeof(HealingMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> EventsIngested = Meter.CreateCounter<long>(
        "healinggrains.events.ingested", "{event}", "Errors and metric points accepted by the ingest API and the OTLP receiver.");

    private static readonly Counter<long> FingerprintsCreated = Meter.CreateCounter<long>(
        "healinggrains.fingerprints.created", "{fingerprint}", "Fingerprints seen for the first time.");

    private static readonly Counter<long> ActionsProposed = Meter.CreateCounter<long>(
        "healinggrains.actions.proposed", "{action}", "Healing actions proposed.");

    private static readonly Counter<long> ActionsAutoApproved = Meter.CreateCounter<long>(
        "healinggrains.actions.auto_approved", "{action}", "Healing actions the policy approved without a human.");

    private static readonly Counter<long> ActionsApproved = Meter.CreateCounter<long>(
        "healinggrains.actions.approved", "{action}", "Healing actions an admin approved.");

    private static readonly Counter<long> ActionsRejected = Meter.CreateCounter<long>(
        "healinggrains.actions.rejected", "{action}", "Healing actions an admin rejected.");

    private static readonly Counter<long> ActionOutcomes = Meter.CreateCounter<long>(
        "healinggrains.actions.outcomes", "{outcome}", "Outcomes agents reported, by result.");

    private static readonly Histogram<double> StreamLag = Meter.CreateHistogram<double>(
        "healinggrains.stream.lag", "s", "Time from a batch's acceptance to its processing by the classifier.");

    private static readonly Histogram<int> PublishedBatch = Meter.CreateHistogram<int>(
        "healinggrains.ingest.batch_size", "{event}",
        "Events per batch the ingest API published on a stream: requests to one deployment that arrive while its last publish is in flight go out together.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });

    /// <summary>Records the size of a batch the ingest API published.</summary>
    public static void Published(int events) => PublishedBatch.Record(events);

    /// <summary>Counts accepted events of one kind from one source (<c>api</c> or <c>otlp</c>).</summary>
    public static void Ingested(DiagnosticEventKind kind, string source, int count)
    {
        if (count > 0)
        {
            EventsIngested.Add(count, new TagList { { "kind", kind == DiagnosticEventKind.Error ? "error" : "metric" }, { "source", source } });
        }
    }

    /// <summary>Counts a fingerprint seen for the first time.</summary>
    public static void FingerprintCreated() => FingerprintsCreated.Add(1);

    /// <summary>Counts a proposal, and its approval when the policy gave it.</summary>
    public static void Proposed(bool preventive, bool autoApproved)
    {
        var tags = new TagList { { "preventive", preventive } };
        ActionsProposed.Add(1, tags);
        if (autoApproved)
        {
            ActionsAutoApproved.Add(1, tags);
        }
    }

    /// <summary>Counts an admin's decision.</summary>
    public static void Decided(bool approved) => (approved ? ActionsApproved : ActionsRejected).Add(1);

    /// <summary>Counts an agent's outcome.</summary>
    public static void Outcome(bool succeeded, bool preventive) =>
        ActionOutcomes.Add(1, new TagList { { "result", succeeded ? "succeeded" : "failed" }, { "preventive", preventive } });

    private static readonly Histogram<double> IngestLatency = Meter.CreateHistogram<double>(
        "healinggrains.ingest.latency", "s", "Time from a batch's acceptance to its fingerprints updated (stored, and visible through the API).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10] });

    /// <summary>Records how long a batch took from acceptance to its fingerprints updated.</summary>
    public static void Processed(TimeSpan latency) => IngestLatency.Record(Math.Max(0, latency.TotalSeconds));

    /// <summary>Records how long a batch waited between acceptance and processing.</summary>
    public static void Lag(TimeSpan lag) => StreamLag.Record(Math.Max(0, lag.TotalSeconds));
}
