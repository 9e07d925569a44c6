using System.Diagnostics.Metrics;

namespace HealingGrains.Storage;

/// <summary>
/// The embedded row store's metrics, on the platform's meter (<c>HealingGrains</c>): how long the SQLite writer's group
/// commits take and how many writes each carries. A state write waits for the commit in progress and then its own, so
/// these bound what storage adds to the time from acceptance to a fingerprint updated.
/// </summary>
internal static class StorageMetrics
{
    // The name of HealingMetrics.MeterName (in Grains, which this project cannot reference): one meter to subscribe to.
    private static readonly Meter Meter = new("HealingGrains", typeof(StorageMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>(
        "healinggrains.storage.commit.duration", "s", "How long one group commit of the embedded SQLite store took.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1] });

    private static readonly Histogram<int> CommitSize = Meter.CreateHistogram<int>(
        "healinggrains.storage.commit.size", "{write}", "How many row writes one group commit of the embedded SQLite store carried.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 512] });

    public static void Committed(TimeSpan duration, int writes)
    {
        CommitDuration.Record(duration.TotalSeconds);
        CommitSize.Record(writes);
    }
}
