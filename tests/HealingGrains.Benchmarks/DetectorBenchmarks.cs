using BenchmarkDotNet.Attributes;
using HealingGrains.Core.Detection;

namespace HealingGrains.Benchmarks;

/// <summary>
/// The streaming detectors on a two-week series of five-minute points (a daily pattern, noise and a few spikes, as in
/// NAB's files); one operation is one point through all seven detectors, a fresh detector per series as hg detect runs.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(LinesPerSecondConfig))]
public class DetectorBenchmarks
{
    private const int Points = 4_032;

    private DateTimeOffset[] _timestamps = [];
    private double[] _values = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(8);
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        _timestamps = [.. Enumerable.Range(0, Points).Select(i => start + (i * TimeSpan.FromMinutes(5)))];
        _values = [.. Enumerable.Range(0, Points).Select(i => (i % 997 == 0 ? 300 : 50) + (30 * Math.Sin(2 * Math.PI * i / 288)) + (5 * (random.NextDouble() - 0.5)))];
    }

    /// <summary>4,032 points through one detector.</summary>
    [Benchmark(OperationsPerInvoke = Points)]
    public double Detect()
    {
        var detector = new MetricDetector();
        var sum = 0.0;
        for (var i = 0; i < Points; i++)
        {
            sum += detector.Update(_timestamps[i], _values[i]).Probability;
        }

        return sum;
    }
}
