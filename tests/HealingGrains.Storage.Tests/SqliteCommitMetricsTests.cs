using System.Diagnostics.Metrics;
using System.Text;

namespace HealingGrains.Storage.Tests;

[CollectionDefinition(nameof(SqliteCommitMetricsTests), DisableParallelization = true)]
public sealed class SqliteCommitMetricsCollection;

/// <summary>
/// The SQLite writer reports each group commit on the platform's meter. Alone in its collection: the instruments are
/// process-wide, and another test's store committing meanwhile would count too.
/// </summary>
[Collection(nameof(SqliteCommitMetricsTests))]
public sealed class SqliteCommitMetricsTests
{
    [Fact]
    public async Task EveryWriteIsCountedInExactlyOneTimedCommit()
    {
        var sizes = new List<int>();
        var durations = new List<double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "HealingGrains" && instrument.Name.StartsWith("healinggrains.storage.commit.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => { lock (sizes) { sizes.Add(value); } });
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => { lock (sizes) { durations.Add(value); } });
        listener.Start();

        var path = Path.Combine(Path.GetTempPath(), "hg-storage-tests", Guid.NewGuid().ToString("N"), "rows.db");
        using (var store = new SqliteRowStore(new SqliteRowStoreOptions { DataSource = path }))
        {
            // Written all at once: the writer takes them in groups, however it happens to cut them.
            await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
                store.WriteAsync("things", "p", $"r{i:000}", Encoding.UTF8.GetBytes($"value {i}"), null, TestContext.Current.CancellationToken)));
        }

        lock (sizes)
        {
            Assert.Equal(300, sizes.Sum());
            Assert.All(sizes, s => Assert.InRange(s, 1, 512));
            Assert.Equal(sizes.Count, durations.Count);
            Assert.All(durations, d => Assert.True(d > 0, $"a commit took {d} s"));
        }
    }
}
