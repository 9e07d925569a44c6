namespace HealingGrains.Core.Detection;

/// <summary>Settings of a <see cref="MetricDetector"/>.</summary>
public sealed record DetectorOptions
{
    /// <summary>Points learned before any probability is given (the detector answers 0 until then). Default 150.</summary>
    public int Warmup { get; init; } = 150;

    /// <summary>The weight of each new point in the long-run level and spread (≈ 1 / memory in points). Default 0.005.</summary>
    public double LevelRate { get; init; } = 0.005;

    /// <summary>Points in the short window whose mean is compared with the long-run level. Default 8.</summary>
    public int ShortWindow { get; init; } = 8;

    /// <summary>The most points a season may span (its ring buffer). Default 2,016: a week of 5-minute points.</summary>
    public int MaxSeason { get; init; } = 2_016;

    /// <summary>The CUSUM slack, in spreads. Default 0.5.</summary>
    public double ChangeSlack { get; init; } = 0.5;

    /// <summary>After a probability at or above this, later ones are damped for <see cref="Refractory"/> points: one alarm per event. Default 0.99.</summary>
    public double AlarmLevel { get; init; } = 0.99;

    /// <summary>Points after an alarm during which probabilities are damped. Default 100.</summary>
    public int Refractory { get; init; } = 100;

    /// <summary>The weight of each point in the trend (Holt's linear method). Default 0.05.</summary>
    public double TrendRate { get; init; } = 0.05;
}

/// <summary>What a detector says about one point.</summary>
/// <param name="Probability">The calibrated anomaly probability in [0, 1]: 1 − the probability that a point at least this surprising happens in normal behaviour, over all detectors.</param>
/// <param name="Level">Tail probability of the point against the long-run level and spread.</param>
/// <param name="Shift">Tail probability of the short window's mean against the long-run level.</param>
/// <param name="Seasonal">Tail probability of the point against the same point one season ago (1 when no season).</param>
/// <param name="Change">Tail probability of the CUSUM change-point statistic.</param>
public readonly record struct AnomalyScore(double Probability, double Level, double Shift, double Seasonal, double Change);

/// <summary>When a metric is expected to reach a threshold if its current trend goes on.</summary>
/// <param name="Threshold">The threshold.</param>
/// <param name="Current">The smoothed current value.</param>
/// <param name="SlopePerMinute">The trend, in value per minute.</param>
/// <param name="ReachedIn">Time until the threshold is reached (zero when it is already).</param>
public sealed record Forecast(double Threshold, double Current, double SlopePerMinute, TimeSpan ReachedIn);

/// <summary>
/// An online anomaly detector for one metric series, in constant memory (a ring buffer of at most one season) and
/// constant time per point. Four detectors each turn a surprise into a tail probability learned from their own past
/// surprises (<see cref="TailProbability"/>): the point against a robust long-run level and spread; the mean of a short
/// window against that level (a shift or a burst of noise); the point against the same point one season ago (a daily or
/// hourly pattern broken), when the series has such a season; and a two-sided CUSUM of the standardised point (a
/// change of level too slow for either). The smallest tail probability, corrected for four looks (Bonferroni), gives
/// the anomaly probability. A trend (Holt's linear method) extrapolates when a threshold will be reached.
/// </summary>
public sealed class MetricDetector
{
    private const int Detectors = 4;
    private static readonly TimeSpan[] Seasons = [TimeSpan.FromDays(1), TimeSpan.FromHours(1), TimeSpan.FromDays(7)];

    private readonly DetectorOptions _options;
    private readonly double[] _short;
    private double[]? _ring;
    private int _season;
    private long _ringWrites;
    private long _count;
    private DateTimeOffset? _first;
    private DateTimeOffset _last;

    private double _mean;
    private double _spread;
    private double _shortSum;
    private double _seasonalMean;
    private double _seasonalSpread;
    private double _upper;
    private double _lower;
    private double _trendLevel;
    private double _trendSlope;
    private int _sinceAlarm = int.MaxValue;

    private TailProbability _levelTail;
    private TailProbability _shiftTail;
    private TailProbability _seasonalTail;
    private TailProbability _changeTail;

    /// <summary>A detector with <paramref name="options"/> (the defaults when null).</summary>
    public MetricDetector(DetectorOptions? options = null)
    {
        _options = options ?? new DetectorOptions();
        if (_options.Warmup < 2 || _options.ShortWindow < 1 || _options.MaxSeason < 2 || _options.LevelRate is <= 0 or >= 1 || _options.TrendRate is <= 0 or >= 1)
        {
            throw new ArgumentException("Detector options out of range.", nameof(options));
        }

        _short = new double[_options.ShortWindow];
        _levelTail = new TailProbability(2, _options.LevelRate);
        _shiftTail = new TailProbability(2, _options.LevelRate);
        _seasonalTail = new TailProbability(2, _options.LevelRate);
        _changeTail = new TailProbability(2, _options.LevelRate);
    }

    /// <summary>Points seen.</summary>
    public long Count => _count;

    /// <summary>The season found, in points (0: none yet).</summary>
    public int Season => _season;

    /// <summary>Learns a point and says how anomalous it is, from the points before it and itself.</summary>
    public AnomalyScore Update(DateTimeOffset timestamp, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A metric value must be a finite number.");
        }

        _count++;
        if (_count == 1)
        {
            Start(timestamp, value);
            return default;
        }

        ChooseSeason(timestamp);
        var minutes = Math.Max((timestamp - _last).TotalMinutes, 0);
        _last = timestamp;

        // Surprises against what was learned before this point.
        var spread = Math.Max(_spread, Floor(_mean));
        var z = (value - _mean) / spread;
        var slot = (int)((_count - 1) % _short.Length);
        _shortSum += value - _short[slot];
        _short[slot] = value;
        var window = (int)Math.Min(_count, _short.Length);
        var shift = window < _short.Length ? 0 : Math.Abs((_shortSum / window) - _mean) / spread * Math.Sqrt(window) / 2;
        var seasonal = 0.0;
        double? difference = null;
        if (_ring is not null && _ringWrites >= _season)
        {
            var index = (int)((_count - 1) % _season);
            difference = value - _ring[index];
            seasonal = Math.Abs(difference.Value - _seasonalMean) / Math.Max(_seasonalSpread, Floor(_mean));
        }

        var clipped = Math.Clamp(z, -4, 4);
        _upper = Math.Max(0, _upper + clipped - _options.ChangeSlack);
        _lower = Math.Max(0, _lower - clipped - _options.ChangeSlack);
        var change = Math.Max(_upper, _lower) / 2;

        var score = default(AnomalyScore);
        if (_count > _options.Warmup)
        {
            var level = _levelTail.Of(Math.Abs(z));
            var shifted = _shiftTail.Of(shift);
            var seasonalP = difference is null || _seasonalTail.Count < _options.Warmup ? 1 : _seasonalTail.Of(seasonal);
            var changed = _changeTail.Of(change);
            var p = Math.Min(Math.Min(level, shifted), Math.Min(seasonalP, changed));
            var probability = 1 - Math.Min(1, p * Detectors);
            if (_sinceAlarm < _options.Refractory)
            {
                probability *= 0.5;
            }

            _sinceAlarm = probability >= _options.AlarmLevel ? 0 : _sinceAlarm == int.MaxValue ? int.MaxValue : _sinceAlarm + 1;
            score = new AnomalyScore(probability, level, shifted, seasonalP, changed);
        }

        // Then learn the point.
        _levelTail.Learn(Math.Abs(z));
        _shiftTail.Learn(shift);
        _changeTail.Learn(change);
        if (difference is { } d)
        {
            _seasonalTail.Learn(seasonal);
            var dc = Math.Clamp(d, _seasonalMean - (4 * _seasonalSpread), _seasonalMean + (4 * _seasonalSpread));
            _seasonalMean += _options.LevelRate * (dc - _seasonalMean);
            _seasonalSpread += _options.LevelRate * ((Math.Abs(dc - _seasonalMean) * 1.25) - _seasonalSpread);
        }

        if (_ring is not null)
        {
            _ring[(int)((_count - 1) % _season)] = value;
            _ringWrites++;
        }

        var rate = Math.Max(_options.LevelRate, 1.0 / _count);
        var x = Math.Clamp(value, _mean - (4 * spread), _mean + (4 * spread));
        _mean += rate * (x - _mean);
        _spread += rate * ((Math.Abs(x - _mean) * 1.25) - _spread);
        if (Math.Max(_upper, _lower) > 8)
        {
            // A change confirmed: start accumulating again from the new level.
            _upper = _lower = 0;
        }

        var trendRate = Math.Max(_options.TrendRate, 1.0 / _count);
        var previous = _trendLevel;
        _trendLevel = value + ((1 - trendRate) * (_trendLevel + (_trendSlope * minutes) - value));
        if (minutes > 0)
        {
            _trendSlope += trendRate * 0.5 * ((((_trendLevel - previous) / minutes)) - _trendSlope);
        }

        return score;
    }

    /// <summary>When the metric reaches <paramref name="threshold"/> if its trend goes on; null when it moves away from it or too little is known.</summary>
    public Forecast? Forecast(double threshold)
    {
        if (_count < 10)
        {
            return null;
        }

        var rising = threshold >= _trendLevel;
        if (rising ? _trendLevel >= threshold : _trendLevel <= threshold)
        {
            return new Forecast(threshold, _trendLevel, _trendSlope, TimeSpan.Zero);
        }

        if (rising ? _trendSlope <= 0 : _trendSlope >= 0)
        {
            return null;
        }

        var minutes = (threshold - _trendLevel) / _trendSlope;
        return minutes > TimeSpan.MaxValue.TotalMinutes / 2 ? null : new Forecast(threshold, _trendLevel, _trendSlope, TimeSpan.FromMinutes(minutes));
    }

    private void Start(DateTimeOffset timestamp, double value)
    {
        _first = timestamp;
        _last = timestamp;
        _mean = value;
        _spread = 0;
        _trendLevel = value;
        _trendSlope = 0;
        _short[0] = value;
        _shortSum = value;
    }

    // The smallest spread that counts: a flat series has none, and its first wobble must not look infinite.
    private static double Floor(double mean) => Math.Max(Math.Abs(mean) * 1e-3, 1e-9);

    // After twenty points the sampling interval is known; the first season it divides into at most MaxSeason points is
    // kept, if the warm-up can see it once.
    private void ChooseSeason(DateTimeOffset timestamp)
    {
        if (_count != 20 || _first is not { } first)
        {
            return;
        }

        var interval = (timestamp - first) / 19;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        foreach (var season in Seasons)
        {
            var points = (int)Math.Round(season / interval);
            if (points >= 4 && points <= _options.MaxSeason)
            {
                _season = points;
                _ring = new double[points];
                return;
            }
        }
    }
}
