using HealingGrains.Core.Detection;
using HealingGrains.Core.Prediction;

namespace HealingGrains.Grains;

/// <summary>Metric windows: the newest points of each metric, persisted, with an anomaly detector per metric in memory.</summary>
public sealed partial class DeploymentGrain
{
    /// <summary>How long a metric must have been silent before a new name may take its place when the names are capped.</summary>
    public static readonly TimeSpan SilentMetricAge = TimeSpan.FromDays(1);

    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The detectors live in memory: each is rebuilt by replaying its window, oldest point first.
        var options = prediction.Value;
        foreach (var (name, bytes) in metrics.State.Windows)
        {
            var series = new Series(MetricWindow.FromBytes(bytes, options.WindowPoints), NewDetector());
            foreach (var point in series.Window.Points)
            {
                series.Detector.Update(point.At, point.Value);
            }

            series.LastFed = series.Window.Latest?.At;
            _series[name] = series;
        }

        EnsureVerificationTimer();
        ScheduleProposals();
        return base.OnActivateAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task RecordMetricPointsAsync(IReadOnlyList<MetricPoint> points)
    {
        var now = time.GetUtcNow();
        var options = prediction.Value;

        // Per metric touched: the highest anomaly probability among its points that lie above the window's median.
        var touched = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var point in points.Where(p => double.IsFinite(p.Value)).OrderBy(p => p.Timestamp))
        {
            // A point from further ahead than the allowed skew would make every later on-time point look late.
            if (point.Timestamp > now + options.MaxClockSkew || SeriesFor(point.Name, now) is not { } series)
            {
                continue;
            }

            var change = series.Window.Add(point.Timestamp, point.Value);
            var anomaly = 0.0;
            if (change == WindowChange.Appended && (series.LastFed is not { } fed || point.Timestamp > fed))
            {
                var score = series.Detector.Update(point.Timestamp, point.Value);
                series.LastFed = point.Timestamp;
                anomaly = FailurePredictor.IsAboveMedian(series.Window.Points, point.Value) ? score.Probability : 0;
            }

            if (change != WindowChange.Dropped)
            {
                touched[point.Name] = Math.Max(anomaly, touched.GetValueOrDefault(point.Name));
            }
        }

        if (touched.Count == 0)
        {
            return;
        }

        foreach (var name in touched.Keys)
        {
            metrics.State.Windows[name] = _series[name].Window.ToBytes();
        }

        await metrics.WriteStateAsync();
        foreach (var (name, anomaly) in touched)
        {
            _series[name].Prediction = Predict(name, _series[name], anomaly);
        }

        var changed = await VerifyAsync(now);
        changed |= await PreventAsync([.. touched.Keys], now);
        if (changed)
        {
            await deployment.WriteStateAsync();
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<MetricWindowInfo>> GetMetricsAsync() => Task.FromResult<IReadOnlyList<MetricWindowInfo>>(
        [.. _series.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => ToMetricInfo(s.Key, s.Value, withPoints: false))]);

    /// <inheritdoc/>
    public Task<MetricWindowInfo?> GetMetricAsync(string name) => Task.FromResult(
        _series.TryGetValue(name, out var series) ? ToMetricInfo(name, series, withPoints: true) : null);

    private MetricDetector NewDetector() => new(new DetectorOptions { Warmup = prediction.Value.DetectorWarmup });

    // The series of a metric, created when there is room for its name: at most MaxMetricNames, a name silent for a day
    // (and not watched) giving way to a new one.
    private Series? SeriesFor(string name, DateTimeOffset now)
    {
        if (_series.TryGetValue(name, out var series))
        {
            return series;
        }

        var options = prediction.Value;
        if (_series.Count >= options.MaxMetricNames)
        {
            var silent = _series
                .Where(s => !deployment.State.Watches.ContainsKey(s.Key))
                .MinBy(s => s.Value.Window.Latest?.At ?? DateTimeOffset.MinValue);
            if (silent.Key is null || silent.Value.Window.Latest?.At > now - SilentMetricAge)
            {
                return null;
            }

            _series.Remove(silent.Key);
            metrics.State.Windows.Remove(silent.Key);
        }

        series = new Series(new MetricWindow(options.WindowPoints), NewDetector());
        _series[name] = series;
        return series;
    }

    private ForecastEvidence Predict(string name, Series series, double anomaly)
    {
        var options = prediction.Value;
        var points = series.Window.Points;
        var limit = MetricNames.Limit(name, points);
        var forecast = limit is { } l ? series.Detector.Forecast(l) : null;
        var p = FailurePredictor.Predict(name, limit, forecast, anomaly, points, options.Horizon);
        var at = points[^1].At;
        var expectedIn = p.TimeToLimit is { } t && t < options.Horizon ? t : options.Horizon;
        return new ForecastEvidence
        {
            Metric = name,
            Limit = p.Limit,
            Current = p.Latest,
            Trend = p.Current,
            SlopePerMinute = p.SlopePerMinute,
            MinutesToLimit = p.TimeToLimit?.TotalMinutes,
            HorizonMinutes = options.Horizon.TotalMinutes,
            ForecastProbability = p.ForecastProbability,
            AnomalyProbability = p.AnomalyProbability,
            AnomalyWeight = p.AnomalyWeight,
            Probability = p.Probability,
            At = at,
            FailureExpectedBy = at + expectedIn,
            Summary = p.Describe(),
        };
    }

    // The latest value of every metric, for the deployment's views: each window's newest point, and values kept before
    // metric windows existed for names that have none.
    private Dictionary<string, double> LatestMetrics()
    {
        var latest = new Dictionary<string, double>(deployment.State.LatestMetrics, StringComparer.Ordinal);
        foreach (var (name, series) in _series)
        {
            if (series.Window.Latest is { } point)
            {
                latest[name] = point.Value;
            }
        }

        return latest;
    }

    private MetricWindowInfo ToMetricInfo(string name, Series series, bool withPoints) => new()
    {
        Name = name,
        Class = MetricNames.Classify(name).ToString().ToLowerInvariant(),
        Limit = MetricNames.Limit(name, series.Window.Points),
        Count = series.Window.Points.Count,
        Capacity = series.Window.Capacity,
        Latest = series.Window.Latest is { } latest ? new MetricPointValue { At = latest.At, Value = latest.Value } : null,
        Points = withPoints ? [.. series.Window.Points.Select(p => new MetricPointValue { At = p.At, Value = p.Value })] : [],
        Prediction = series.Prediction,
        PreventiveActionId = deployment.State.Watches.TryGetValue(name, out var watch) ? watch.ActionId : null,
    };

    private sealed class Series(MetricWindow window, MetricDetector detector)
    {
        public MetricWindow Window { get; } = window;

        public MetricDetector Detector { get; } = detector;

        /// <summary>The newest point the detector learned (late points go to the window only).</summary>
        public DateTimeOffset? LastFed { get; set; }

        /// <summary>What the latest batch predicted.</summary>
        public ForecastEvidence? Prediction { get; set; }
    }
}
