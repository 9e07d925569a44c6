namespace HealingGrains.Core.Detection;

/// <summary>The detectors a <see cref="MetricDetector"/> combines.</summary>
[Flags]
public enum DetectorKinds
{
    /// <summary>None: the detector only learns (and forecasts).</summary>
    None = 0,

    /// <summary>The point against a robust long-run level and spread.</summary>
    Level = 1,

    /// <summary>The mean of a short window against the long-run level: a shift.</summary>
    Shift = 2,

    /// <summary>The point against the same point one season (day, hour or week) ago.</summary>
    Seasonal = 4,

    /// <summary>A two-sided CUSUM of the standardised points: a change too slow for the others.</summary>
    Change = 8,

    /// <summary>A value beyond every value seen so far (by more than <see cref="DetectorOptions.NoveltyMargin"/> noise spreads).</summary>
    Novelty = 16,

    /// <summary>A short shape (the last few points, quantised into a few levels of the range) not seen lately: see <see cref="SubsequenceNovelty"/>.</summary>
    Shape = 32,

    /// <summary>
    /// A value beyond every value seen at the same phase of the season (the same time of day, of the hour or of the week,
    /// give or take a phase) by more than <see cref="DetectorOptions.NoveltyMargin"/> noise spreads: a night-time peak
    /// within the day's usual range.
    /// </summary>
    Phase = 64,

    /// <summary>All of them.</summary>
    All = Level | Shift | Seasonal | Change | Novelty | Shape | Phase,
}

/// <summary>Settings of a <see cref="MetricDetector"/>.</summary>
public sealed record DetectorOptions
{
    /// <summary>Points learned before any probability is given (the detector answers 0 until then). Default 150.</summary>
    public int Warmup { get; init; } = 150;

    /// <summary>Which detectors are combined. Default all.</summary>
    public DetectorKinds Detectors { get; init; } = DetectorKinds.All;

    /// <summary>The weight of each new point in the long-run level and spread (≈ 1 / memory in points). Default 0.005.</summary>
    public double LevelRate { get; init; } = 0.005;

    /// <summary>Surprise scores each statistical detector remembers to judge how rare a new one is. Default 1,000.</summary>
    public int Memory { get; init; } = 1_000;

    /// <summary>
    /// How many times rarer a statistical detector's surprise must be than a novel value to count the same. Default 10:
    /// real metrics are often surprising by their own history's standards; a value never seen before is rarer news.
    /// </summary>
    public double StatisticalPenalty { get; init; } = 10;

    /// <summary>Points in the short window whose mean is compared with the long-run level. Default 8.</summary>
    public int ShortWindow { get; init; } = 8;

    /// <summary>The most points a season may span (its ring buffer). Default 2,016: a week of 5-minute points.</summary>
    public int MaxSeason { get; init; } = 2_016;

    /// <summary>
    /// How far, in noise spreads, a value must lie beyond every value seen before to be novel. Default 0.1: a new record
    /// within a tenth of the noise (the smaller of the level's spread and, with a season, the spread of the differences
    /// from one season ago) is what noise does now and then, not news.
    /// </summary>
    public double NoveltyMargin { get; init; } = 0.1;

    /// <summary>
    /// The levels a point is quantised into for the shape detector, evenly over the range seen so far. Default 3: low,
    /// middle, high.
    /// </summary>
    public int ShapeLevels { get; init; } = 3;

    /// <summary>The most points a shape spans (contexts of 1 … this many quantised points). Default 3.</summary>
    public int ShapeLength { get; init; } = 3;

    /// <summary>Points after which a shape not seen again is forgotten, and is new when it comes back. Default 400.</summary>
    public int ShapeAge { get; init; } = 400;

    /// <summary>
    /// The phases a season is cut into for the phase detector, each remembering the lowest and highest value seen in it.
    /// Default 24: an hour of a day, two and a half minutes of an hour, seven hours of a week. A value is judged against
    /// its phase and the phases on either side of it.
    /// </summary>
    public int Phases { get; init; } = 24;

    /// <summary>The CUSUM slack, in spreads. Default 0.5.</summary>
    public double ChangeSlack { get; init; } = 0.5;

    /// <summary>After a probability at or above this, the next ones are halved for <see cref="Refractory"/> points: one alarm per event. Default 0.99.</summary>
    public double AlarmLevel { get; init; } = 0.99;

    /// <summary>Points after an alarm during which probabilities are halved. Default 50.</summary>
    public int Refractory { get; init; } = 50;

    /// <summary>The weight of each point in the trend (Holt's linear method). Default 0.05.</summary>
    public double TrendRate { get; init; } = 0.05;
}

/// <summary>What a detector says about one point.</summary>
/// <param name="Probability">The anomaly probability in [0, 1]: 1 − the chance, corrected for the number of detectors, that the most surprised of them would be at least this surprised in normal behaviour.</param>
/// <param name="Level">Tail probability of the point against the long-run level and spread (1: not surprising).</param>
/// <param name="Shift">Tail probability of the short window's mean.</param>
/// <param name="Seasonal">Tail probability of the point against one season ago (1 when there is no season yet).</param>
/// <param name="Change">Tail probability of the CUSUM statistic.</param>
/// <param name="Novel">Whether the value is beyond every value seen before it.</param>
/// <param name="Shape">Tail probability of how new the shape ending at the point is (1: a shape seen lately).</param>
/// <param name="NovelForPhase">Whether the value is beyond every value seen at its phase of the season and the phases beside it.</param>
public readonly record struct AnomalyScore(double Probability, double Level, double Shift, double Seasonal, double Change, bool Novel, double Shape = 1, bool NovelForPhase = false);

/// <summary>When a metric is expected to reach a threshold if its current trend goes on.</summary>
/// <param name="Threshold">The threshold.</param>
/// <param name="Current">The smoothed current value.</param>
/// <param name="SlopePerMinute">The trend, in value per minute.</param>
/// <param name="ReachedIn">Time until the threshold is reached (zero when it is already).</param>
public sealed record Forecast(double Threshold, double Current, double SlopePerMinute, TimeSpan ReachedIn);

/// <summary>
/// An online anomaly detector for one metric series, in bounded memory (one season of points and each detector's
/// remembered surprises) and constant time per point. Four statistical detectors each turn a surprise into a tail
/// probability among their own recent surprises (<see cref="TailProbability"/>): the point against a robust long-run
/// level and spread; the mean of a short window against that level (a shift); the point against the same point one
/// season ago, when the sampling interval gives the series a daily, hourly or weekly season; and a two-sided CUSUM (a
/// change too slow for the others). A fifth, novelty, notes a value beyond every value seen before by more than a tenth of the noise. A sixth, shape,
/// quantises each point into a few levels of the range and scores the shortest context of the last few levels not seen
/// lately (<see cref="SubsequenceNovelty"/>), a tail probability among its own recent scores like the statistical ones. A
/// seventh, phase, notes a value beyond every value seen at the same phase of the season (a time of day, of the hour or of
/// the week, and the phases beside it), as rare as a record among those points but with the statistical penalty. The rarest of them
/// (statistical ones made <see cref="DetectorOptions.StatisticalPenalty"/> times less rare), corrected for the number
/// of looks (Bonferroni), gives the anomaly probability. After an alarm the probabilities are halved for a while, so
/// that one event raises one alarm. A trend (Holt's linear method) extrapolates when a threshold will be reached.
/// </summary>
public sealed class MetricDetector
{
    private const int Looks = 7;

    // How fast a record's chance falls with its overshoot, in shares of the range it leaves (a record's and a phase's alike).
    private const double Overshoot = 10;
    private static readonly TimeSpan[] Seasons = [TimeSpan.FromDays(1), TimeSpan.FromHours(1), TimeSpan.FromDays(7)];

    private readonly DetectorOptions _options;
    private readonly double[] _short;
    private readonly TailProbability _levelTail;
    private readonly TailProbability _shiftTail;
    private readonly TailProbability _seasonalTail;
    private readonly TailProbability _changeTail;
    private readonly TailProbability _shapeTail;
    private readonly SubsequenceNovelty _shapes;
    private double[]? _ring;
    private int _season;
    private long _seasonTicks;
    private readonly double[] _phaseMin;
    private readonly double[] _phaseMax;
    private readonly long[] _phaseCount;
    private long _ringWrites;
    private long _count;
    private DateTimeOffset _first;
    private DateTimeOffset _last;

    private double _mean;
    private double _spread;
    private double _min = double.MaxValue;
    private double _max = double.MinValue;
    private double _shortSum;
    private double _seasonalMean;
    private double _seasonalSpread;
    private double _upper;
    private double _lower;
    private double _trendLevel;
    private double _trendSlope;
    private int _sinceAlarm = int.MaxValue;

    /// <summary>A detector with <paramref name="options"/> (the defaults when null).</summary>
    public MetricDetector(DetectorOptions? options = null)
    {
        _options = options ?? new DetectorOptions();
        if (_options.Warmup < 2 || _options.ShortWindow < 1 || _options.MaxSeason < 2 || _options.Memory < 2 || _options.Refractory < 0
            || _options.LevelRate is <= 0 or >= 1 || _options.TrendRate is <= 0 or >= 1 || _options.StatisticalPenalty < 1
            || !(_options.NoveltyMargin >= 0) || _options.ShapeLevels < 2 || _options.ShapeLength < 1 || _options.ShapeAge < 1
            || _options.Phases is < 3 or > 1_440)
        {
            throw new ArgumentException("Detector options out of range.", nameof(options));
        }

        _short = new double[_options.ShortWindow];
        _levelTail = new TailProbability(_options.Memory);
        _shiftTail = new TailProbability(_options.Memory);
        _seasonalTail = new TailProbability(_options.Memory);
        _changeTail = new TailProbability(_options.Memory);
        _shapeTail = new TailProbability(_options.Memory);
        _shapes = new SubsequenceNovelty(_options.ShapeLevels, _options.ShapeLength, _options.ShapeAge);
        _phaseMin = new double[_options.Phases];
        _phaseMax = new double[_options.Phases];
        _phaseCount = new long[_options.Phases];
    }

    /// <summary>Points seen.</summary>
    public long Count => _count;

    /// <summary>The season, in points (0: none).</summary>
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
            return new AnomalyScore(0, 1, 1, 1, 1, false);
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
            difference = value - _ring[(int)((_count - 1) % _season)];
            seasonal = Math.Abs(difference.Value - _seasonalMean) / Math.Max(_seasonalSpread, Floor(_mean));
        }

        var clipped = Math.Clamp(z, -4, 4);
        _upper = Math.Max(0, _upper + clipped - _options.ChangeSlack);
        _lower = Math.Max(0, _lower - clipped - _options.ChangeSlack);
        var change = Math.Max(_upper, _lower) / 2;
        // Novel: beyond the range by more than the margin of noise (the seasonal differences' spread when there is a season).
        var overshoot = Math.Max(value - _max, _min - value);
        var noise = _ringWrites > _season && _seasonalSpread > 0 ? Math.Min(spread, Math.Max(_seasonalSpread, Floor(_mean))) : spread;
        var beyond = _max > _min && overshoot > _options.NoveltyMargin * noise ? overshoot / (_max - _min) : 0;
        // Novel for its phase: beyond every value seen at this phase of the season and the phases beside it.
        var phase = PhaseOf(timestamp);
        var (phaseBeyond, phaseSeen) = phase < 0 ? (0, 0) : BeyondPhase(phase, value, _options.NoveltyMargin * noise, Floor(_mean));
        // Shape: the shorter the newest context not seen lately, the higher the score (0: every context was seen).
        var levels = _options.ShapeLevels;
        var quantised = _max > _min ? (int)Math.Clamp(Math.Floor((value - _min) / (_max - _min) * levels), 0, levels - 1) : 0;
        var shortest = _shapes.Learn(quantised);
        var shape = shortest == 0 ? 0 : _shapes.Length + 1 - shortest;

        var score = new AnomalyScore(0, 1, 1, 1, 1, beyond > 0, NovelForPhase: phaseBeyond > 0);
        if (_count > _options.Warmup)
        {
            var kinds = _options.Detectors;
            var level = _levelTail.Of(Math.Abs(z));
            var shifted = _shiftTail.Of(shift);
            var seasonalP = difference is null || _seasonalTail.Count < _options.Warmup ? 1 : _seasonalTail.Of(seasonal);
            var changed = _changeTail.Of(change);
            var shapeP = shape == 0 ? 1 : _shapeTail.Of(shape);
            var p = _options.StatisticalPenalty * Math.Min(
                Math.Min(Math.Min(kinds.HasFlag(DetectorKinds.Level) ? level : 1, kinds.HasFlag(DetectorKinds.Shift) ? shifted : 1),
                    Math.Min(kinds.HasFlag(DetectorKinds.Seasonal) ? seasonalP : 1, kinds.HasFlag(DetectorKinds.Change) ? changed : 1)),
                kinds.HasFlag(DetectorKinds.Shape) ? shapeP : 1);
            if (kinds.HasFlag(DetectorKinds.Novelty) && beyond > 0)
            {
                // As rare as one point in all seen, and rarer the further beyond the range it lies.
                p = Math.Min(p, Math.Exp(-Overshoot * beyond) / (_count + 1));
            }

            if (kinds.HasFlag(DetectorKinds.Phase) && phaseBeyond > 0)
            {
                // As rare as one point among those seen at this phase, rarer the further beyond their range, but a
                // record for a time of day is weaker news than a record: the statistical penalty.
                p = Math.Min(p, _options.StatisticalPenalty * Math.Exp(-Overshoot * phaseBeyond) / (phaseSeen + 1));
            }

            var probability = 1 - Math.Min(1, p * Looks);
            if (_sinceAlarm < _options.Refractory)
            {
                probability *= 0.5;
            }

            _sinceAlarm = probability >= _options.AlarmLevel ? 0 : _sinceAlarm == int.MaxValue ? int.MaxValue : _sinceAlarm + 1;
            score = new AnomalyScore(probability, level, shifted, seasonalP, changed, beyond > 0, shapeP, phaseBeyond > 0);
        }

        _shapeTail.Learn(shape);
        if (phase >= 0)
        {
            LearnPhase(phase, value);
        }

        Learn(value, spread, minutes, z, shift, change, seasonal, difference);
        return score;
    }

    /// <summary>
    /// When the metric reaches <paramref name="limit"/> from below (from above when <paramref name="upward"/> is false) if
    /// its trend goes on: zero when it is there already, null when it moves away from it or too little is known.
    /// </summary>
    public Forecast? Forecast(double limit, bool upward = true)
    {
        if (_count < 10 || !double.IsFinite(limit))
        {
            return null;
        }

        if (upward ? _trendLevel >= limit : _trendLevel <= limit)
        {
            return new Forecast(limit, _trendLevel, _trendSlope, TimeSpan.Zero);
        }

        if (upward ? _trendSlope <= 0 : _trendSlope >= 0)
        {
            return null;
        }

        var minutes = (limit - _trendLevel) / _trendSlope;
        return minutes > TimeSpan.MaxValue.TotalMinutes / 2 ? null : new Forecast(limit, _trendLevel, _trendSlope, TimeSpan.FromMinutes(minutes));
    }

    // Learns the point: the detectors' surprises, the range, level and spread (a point beyond four spreads counts as
    // four, so that an outlier moves them little), the season and the trend.
    private void Learn(double value, double spread, double minutes, double z, double shift, double change, double seasonal, double? difference)
    {
        _levelTail.Learn(Math.Abs(z));
        _shiftTail.Learn(shift);
        _changeTail.Learn(change);
        _min = Math.Min(_min, value);
        _max = Math.Max(_max, value);
        if (difference is { } d)
        {
            _seasonalTail.Learn(seasonal);
            var bound = 4 * Math.Max(_seasonalSpread, Floor(_mean));
            var dc = Math.Clamp(d, _seasonalMean - bound, _seasonalMean + bound);
            var seasonalRate = Math.Max(_options.LevelRate, 1.0 / (_ringWrites - _season + 1));
            _seasonalMean += seasonalRate * (dc - _seasonalMean);
            _seasonalSpread += seasonalRate * ((Math.Abs(dc - _seasonalMean) * 1.25) - _seasonalSpread);
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
            // A change confirmed: accumulate again from the new level.
            _upper = _lower = 0;
        }

        var trendRate = Math.Max(_options.TrendRate, 1.0 / _count);
        var previous = _trendLevel;
        _trendLevel = value + ((1 - trendRate) * (_trendLevel + (_trendSlope * minutes) - value));
        if (minutes > 0)
        {
            _trendSlope += trendRate * 0.5 * (((_trendLevel - previous) / minutes) - _trendSlope);
        }
    }

    private void Start(DateTimeOffset timestamp, double value)
    {
        _first = _last = timestamp;
        _mean = _trendLevel = value;
        _min = _max = value;
        _short[0] = value;
        _shortSum = value;
    }

    // The phase of the season the timestamp falls in (-1 while there is no season): absolute time modulo the season, so a
    // daily season's phases are hours of the UTC day and a weekly season's start on Monday.
    private int PhaseOf(DateTimeOffset timestamp) =>
        _seasonTicks == 0 ? -1 : (int)(timestamp.UtcTicks % _seasonTicks * _phaseCount.Length / _seasonTicks);

    // How far the value lies beyond the range seen at the phase and the phases on either side of it, in shares of that
    // range (0 when within it or beyond it by no more than the margin), and how many points that range holds.
    private (double Beyond, long Seen) BeyondPhase(int phase, double value, double margin, double floor)
    {
        var phases = _phaseCount.Length;
        var low = double.MaxValue;
        var high = double.MinValue;
        long seen = 0;
        for (var k = phases - 1; k <= phases + 1; k++)
        {
            var p = (phase + k) % phases;
            if (_phaseCount[p] > 0)
            {
                low = Math.Min(low, _phaseMin[p]);
                high = Math.Max(high, _phaseMax[p]);
                seen += _phaseCount[p];
            }
        }

        var overshoot = Math.Max(value - high, low - value);
        return seen == 0 || overshoot <= margin ? (0, seen) : (overshoot / Math.Max(high - low, floor), seen);
    }

    private void LearnPhase(int phase, double value)
    {
        if (_phaseCount[phase]++ == 0)
        {
            _phaseMin[phase] = _phaseMax[phase] = value;
            return;
        }

        _phaseMin[phase] = Math.Min(_phaseMin[phase], value);
        _phaseMax[phase] = Math.Max(_phaseMax[phase], value);
    }

    // The smallest spread that counts: a flat series has none, and its first wobble must not look infinite.
    private static double Floor(double mean) => Math.Max(Math.Abs(mean) * 1e-3, 1e-9);

    // After twenty points the sampling interval is known; the first season of at most MaxSeason points is kept.
    private void ChooseSeason(DateTimeOffset timestamp)
    {
        if (_count != 20)
        {
            return;
        }

        var interval = (timestamp - _first) / 19;
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
                _seasonTicks = season.Ticks;
                _ring = new double[points];
                return;
            }
        }
    }
}
