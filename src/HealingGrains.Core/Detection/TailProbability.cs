namespace HealingGrains.Core.Detection;

/// <summary>
/// How rare a non-negative surprise score is, from the scores seen before it: above a fixed threshold the tail is taken
/// as exponential (peaks over threshold), with the exceedance rate and the mean excess learned as exponentially weighted
/// averages. Constant memory and time; the probability is that of a score at least this high.
/// </summary>
public struct TailProbability
{
    private readonly double _threshold;
    private readonly double _rate;
    private double _exceedance;
    private double _excess;
    private long _count;
    private long _exceedances;

    /// <summary>A tail above <paramref name="threshold"/>, learned at <paramref name="rate"/> per score.</summary>
    public TailProbability(double threshold, double rate)
    {
        _threshold = threshold;
        _rate = rate;

        // Priors: a standard normal's |z| exceeds 2 about 5% of the time, by about 0.4 on average.
        _exceedance = 0.05;
        _excess = 0.45;
        _count = 0;
        _exceedances = 0;
    }

    /// <summary>Scores learned so far.</summary>
    public readonly long Count => _count;

    /// <summary>P(score ≥ <paramref name="score"/>) under what was learned (1 at or below the threshold).</summary>
    public readonly double Of(double score) =>
        score <= _threshold ? 1 : _exceedance * Math.Exp(-(score - _threshold) / _excess);

    /// <summary>Learns a score.</summary>
    public void Learn(double score)
    {
        _count++;

        // Faster at first, so that a few hundred scores are enough; then at the configured rate.
        var rate = Math.Max(_rate, 1.0 / (_count + 20));
        var above = score > _threshold;
        _exceedance += rate * ((above ? 1 : 0) - _exceedance);
        _exceedance = Math.Max(_exceedance, 1e-4);
        if (above)
        {
            // Capped, so that one enormous score cannot make every later one look ordinary.
            _exceedances++;
            var excess = Math.Min(score - _threshold, 10 * _excess + 1);
            _excess += Math.Max(_rate * 10, 1.0 / (_exceedances + 5)) * (excess - _excess);
            _excess = Math.Clamp(_excess, 0.05, 50);
        }
    }
}
