using System.Globalization;

namespace HealingGrains.Core.Prediction;

/// <summary>Whether a predicted failure happened, and the fact that says so.</summary>
/// <param name="Happened">The metric reached its limit, or the deployment's errors surged.</param>
/// <param name="Reason">The fact, in words.</param>
/// <param name="Peak">The highest value of the metric in the watched time (null when no point arrived).</param>
public sealed record FailureVerdict(bool Happened, string Reason, double? Peak);

/// <summary>
/// Judges a prediction after its time: the failure happened when the metric reached its limit within the watched time,
/// or when the deployment's errors per minute over that time were at least <see cref="SurgeFactor"/> times those
/// before the prediction and at least <see cref="SurgeMinimum"/> per minute more.
/// </summary>
public static class FailureVerification
{
    /// <summary>How many times the error rate before counts as a surge.</summary>
    public const double SurgeFactor = 2;

    /// <summary>The smallest increase, in errors per minute, that counts as a surge.</summary>
    public const double SurgeMinimum = 1;

    /// <summary>Whether the metric reached its limit among <paramref name="points"/> (the first point that did).</summary>
    public static MetricSample? LimitReached(double? limit, IEnumerable<MetricSample> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        return limit is { } l ? points.Where(p => p.Value >= l).Cast<MetricSample?>().FirstOrDefault() : null;
    }

    /// <summary>The verdict once the watched time is over.</summary>
    public static FailureVerdict Judge(string metric, double? limit, IReadOnlyList<MetricSample> points, double errorRateBefore, double errorRateDuring)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(points);
        double? peak = points.Count == 0 ? null : points.Max(p => p.Value);
        if (LimitReached(limit, points) is { } reached)
        {
            return new FailureVerdict(true, Invariant($"{metric} reached {reached.Value:0.###} at {reached.At:u}, its limit being {limit:0.###}."), peak);
        }

        if (errorRateDuring >= Math.Max(errorRateBefore * SurgeFactor, errorRateBefore + SurgeMinimum))
        {
            return new FailureVerdict(true, Invariant($"The deployment's errors rose from {errorRateBefore:0.##} to {errorRateDuring:0.##} per minute."), peak);
        }

        var observed = peak is { } p
            ? limit is { } l ? Invariant($"{metric} peaked at {p:0.###}, below its limit {l:0.###}") : Invariant($"{metric} peaked at {p:0.###}")
            : Invariant($"no point of {metric} arrived");
        return new FailureVerdict(false, Invariant($"No failure: {observed}, and errors stayed at {errorRateDuring:0.##} per minute (before: {errorRateBefore:0.##})."), peak);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
