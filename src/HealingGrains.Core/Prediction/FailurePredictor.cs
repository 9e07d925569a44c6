using System.Globalization;
using HealingGrains.Core.Detection;

namespace HealingGrains.Core.Prediction;

/// <summary>What a metric's latest points say about a coming failure.</summary>
public sealed record FailurePrediction
{
    /// <summary>The metric.</summary>
    public required string Metric { get; init; }

    /// <summary>The combined failure probability, compared with the policy's intervention threshold.</summary>
    public double Probability { get; init; }

    /// <summary>The probability that the trend reaches <see cref="Limit"/> within the horizon (0 without a limit).</summary>
    public double ForecastProbability { get; init; }

    /// <summary>The detector's anomaly probability (the highest of the batch's upward points).</summary>
    public double AnomalyProbability { get; init; }

    /// <summary>How much of the anomaly probability counts: the share of the limit in use (1 without a limit).</summary>
    public double AnomalyWeight { get; init; }

    /// <summary>The saturation limit (1 or 100), or null when the metric has none.</summary>
    public double? Limit { get; init; }

    /// <summary>The latest value.</summary>
    public double Latest { get; init; }

    /// <summary>The trend's smoothed current value, when a trend is known.</summary>
    public double? Current { get; init; }

    /// <summary>The trend, in value per minute.</summary>
    public double? SlopePerMinute { get; init; }

    /// <summary>When the trend reaches the limit; null when it does not (or there is no limit).</summary>
    public TimeSpan? TimeToLimit { get; init; }

    /// <summary>The horizon the forecast looks ahead.</summary>
    public TimeSpan Horizon { get; init; }

    /// <summary>The trend's value at the horizon and its spread (one standard deviation), when a trend is known.</summary>
    public double? ProjectedAtHorizon { get; init; }

    public double? ProjectionSpread { get; init; }

    /// <summary>One sentence with the numbers behind <see cref="Probability"/>.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Limit is { } limit && SlopePerMinute is { } slope && Current is { } current)
        {
            parts.Add(TimeToLimit is { } t
                ? t == TimeSpan.Zero
                    ? Invariant($"{Metric} is at {Latest:0.###}, at its limit {limit:0.###}")
                    : Invariant($"{Metric} is at {Latest:0.###} (trend {current:0.###}, {Signed(slope)} per minute): at this trend it reaches its limit {limit:0.###} in {t.TotalMinutes:0} min; at the {Horizon.TotalMinutes:0}-minute horizon it is projected at {ProjectedAtHorizon:0.###} ± {ProjectionSpread:0.###}, so P(limit within the horizon) = {ForecastProbability:0.00}")
                : Invariant($"{Metric} is at {Latest:0.###} (trend {current:0.###}, {Signed(slope)} per minute): its trend does not approach its limit {limit:0.###}"));
        }
        else if (Limit is { } limit2)
        {
            parts.Add(Invariant($"{Metric} is at {Latest:0.###} of {limit2:0.###}; too few points for a trend"));
        }
        else
        {
            parts.Add(Invariant($"{Metric} is at {Latest:0.###} (no saturation limit known for it)"));
        }

        parts.Add(AnomalyWeight < 1
            ? Invariant($"anomaly probability {AnomalyProbability:0.00}, weighed by the {AnomalyWeight * 100:0}% of the limit in use")
            : Invariant($"anomaly probability {AnomalyProbability:0.00}"));
        return string.Join("; ", parts) + Invariant($". Failure probability {Probability:0.00}.");
    }

    private static string Signed(double value) => value.ToString("+0.#####;-0.#####;0", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Turns a metric's trend forecast and anomaly probability into one failure probability. For a saturation metric the
/// trend (the detector's forecast) is projected to the horizon; the projection's spread comes from the recent points'
/// noise (a robust spread of their successive differences) and the uncertainty of a slope fitted over them, and the
/// forecast probability is the normal probability that the projection is at or above the limit. An anomaly counts only
/// when the point is above the window's median (every class fails upwards), weighed, for a saturation metric, by the
/// share of the limit in use: a surprise at 95% memory predicts a failure, one at 40% much less. The two are combined
/// as independent signals: P = 1 − (1 − forecast)(1 − weight × anomaly).
/// </summary>
public static class FailurePredictor
{
    /// <summary>How many of the newest points measure the noise and the slope's uncertainty.</summary>
    public const int RecentPoints = 64;

    /// <summary>The failure prediction for one metric.</summary>
    /// <param name="metric">The metric's name.</param>
    /// <param name="limit">Its saturation limit (<see cref="MetricNames.Limit"/>), or null.</param>
    /// <param name="forecast">The detector's forecast towards <paramref name="limit"/> (null when none or no limit).</param>
    /// <param name="anomaly">The highest anomaly probability among the points just learned that lie above the window's median.</param>
    /// <param name="points">The window, oldest first (at least one point).</param>
    /// <param name="horizon">How far ahead the trend is followed.</param>
    public static FailurePrediction Predict(
        string metric, double? limit, Forecast? forecast, double anomaly, IReadOnlyList<MetricSample> points, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfZero(points.Count);
        anomaly = Math.Clamp(double.IsFinite(anomaly) ? anomaly : 0, 0, 1);
        var latest = points[^1].Value;
        if (limit is not { } l)
        {
            return new FailurePrediction
            {
                Metric = metric, Probability = anomaly, AnomalyProbability = anomaly, AnomalyWeight = 1, Latest = latest, Horizon = horizon,
            };
        }

        var weight = Math.Clamp(latest / l, 0, 1);
        double forecastProbability = 0;
        double? projected = null, spread = null;
        TimeSpan? timeToLimit = null;
        if (latest >= l)
        {
            forecastProbability = 1;
            timeToLimit = TimeSpan.Zero;
        }
        else if (forecast is { } f)
        {
            var recent = points.Skip(Math.Max(0, points.Count - RecentPoints)).ToList();
            var noise = Math.Max(Noise(recent), l * 1e-3);
            var span = (recent[^1].At - recent[0].At).TotalMinutes;
            var minutes = horizon.TotalMinutes;
            var slopeVariance = recent.Count >= 3 && span > 0 ? 12.0 / (span * span * recent.Count) : 1.0 / Math.Max(1, minutes * minutes);
            spread = noise * Math.Sqrt(1 + (minutes * minutes * slopeVariance));
            projected = f.Current + (f.SlopePerMinute * minutes);
            timeToLimit = f.ReachedIn;
            forecastProbability = f.ReachedIn == TimeSpan.Zero ? 1 : Normal.Cdf((projected.Value - l) / spread.Value);
        }

        return new FailurePrediction
        {
            Metric = metric,
            Probability = 1 - ((1 - forecastProbability) * (1 - (weight * anomaly))),
            ForecastProbability = forecastProbability,
            AnomalyProbability = anomaly,
            AnomalyWeight = weight,
            Limit = l,
            Latest = latest,
            Current = forecast?.Current,
            SlopePerMinute = forecast?.SlopePerMinute,
            TimeToLimit = timeToLimit,
            Horizon = horizon,
            ProjectedAtHorizon = projected,
            ProjectionSpread = spread,
        };
    }

    /// <summary>Whether <paramref name="value"/> lies above the median of <paramref name="points"/> (an upward surprise).</summary>
    public static bool IsAboveMedian(IReadOnlyList<MetricSample> points, double value)
    {
        ArgumentNullException.ThrowIfNull(points);
        return points.Count == 0 || value > Median([.. points.Select(p => p.Value)]);
    }

    // The noise around a smooth trend: successive differences remove the trend; their robust spread (1.4826 × MAD)
    // over √2 is the noise of one point.
    private static double Noise(List<MetricSample> recent)
    {
        if (recent.Count < 3)
        {
            return 0;
        }

        var differences = new double[recent.Count - 1];
        for (var i = 1; i < recent.Count; i++)
        {
            differences[i - 1] = recent[i].Value - recent[i - 1].Value;
        }

        var median = Median(differences);
        var deviations = differences.Select(d => Math.Abs(d - median)).ToArray();
        return 1.4826 * Median(deviations) / Math.Sqrt(2);
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        var mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
