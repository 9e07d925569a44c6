namespace HealingGrains.Core.Evaluation;

/// <summary>A NAB cost profile: the weight of a true positive, a false negative (missed window) and a false positive.</summary>
/// <param name="Name">The profile's name in NAB's <c>profiles.json</c>.</param>
/// <param name="TruePositive">A_TP.</param>
/// <param name="FalseNegative">A_FN.</param>
/// <param name="FalsePositive">A_FP.</param>
public sealed record NabProfile(string Name, double TruePositive, double FalseNegative, double FalsePositive)
{
    /// <summary>NAB's standard profile.</summary>
    public static NabProfile Standard { get; } = new("standard", 1, 1, 0.11);

    /// <summary>NAB's profile rewarding few false positives.</summary>
    public static NabProfile RewardLowFalsePositives { get; } = new("reward_low_FP_rate", 1, 1, 0.22);

    /// <summary>NAB's profile rewarding few false negatives.</summary>
    public static NabProfile RewardLowFalseNegatives { get; } = new("reward_low_FN_rate", 1, 2, 0.11);

    /// <summary>The three profiles, in NAB's order.</summary>
    public static IReadOnlyList<NabProfile> All { get; } = [Standard, RewardLowFalsePositives, RewardLowFalseNegatives];
}

/// <summary>One scored series: a detector's anomaly score per row and the labelled anomaly windows (row indices, inclusive).</summary>
/// <param name="Name">The series' name (its path in the corpus).</param>
/// <param name="Scores">The detector's score per row, in [0, 1].</param>
/// <param name="Windows">The anomaly windows, as first and last row, in order and not overlapping.</param>
public sealed record NabSeries(string Name, IReadOnlyList<double> Scores, IReadOnlyList<(int Start, int End)> Windows);

/// <summary>A detector's NAB result for one profile.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="Threshold">The threshold that maximises the raw score over the corpus (a row is a detection when its score is at least this).</param>
/// <param name="Raw">The raw score S at that threshold.</param>
/// <param name="Normalized">100 · (S − S_null) / (S_perfect − S_null).</param>
/// <param name="TruePositives">Windows detected.</param>
/// <param name="FalseNegatives">Windows missed.</param>
/// <param name="FalsePositives">Detections outside every window (after probation).</param>
public sealed record NabResult(NabProfile Profile, double Threshold, double Raw, double Normalized, int TruePositives, int FalseNegatives, int FalsePositives);

/// <summary>
/// The Numenta Anomaly Benchmark's scoring (NAB v1.1, Lavin and Ahmad 2015), as the benchmark data's README states it:
/// rows in each file's probation period are ignored; the earliest detection in a window scores by how early it is in
/// the window; a missed window costs A_FN; a detection outside windows costs A_FP, less when it follows shortly after a
/// window; one threshold per profile over the whole corpus, the one that maximises the raw score.
/// </summary>
public static class NabScorer
{
    /// <summary>The probation period of a file of <paramref name="rows"/> rows: min(⌊0.15·n⌋, 750).</summary>
    public static int ProbationOf(int rows) => Math.Min((int)Math.Floor(0.15 * rows), 750);

    /// <summary>NAB's scaled sigmoid: −1 above 3, else 2 / (1 + e^(5y)) − 1.</summary>
    public static double ScaledSigmoid(double y) => y > 3 ? -1 : (2 / (1 + Math.Exp(5 * y))) - 1;

    /// <summary>Scores a corpus with one profile, choosing the best threshold over every score that occurs (and one above them all: no detections).</summary>
    public static NabResult Score(IReadOnlyList<NabSeries> corpus, NabProfile profile)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(profile);

        // Every row after probation is a candidate detection with a fixed value: its window (and how early in it) or
        // its false-positive cost, which depends only on where it is. Lowering the threshold turns rows on in order of
        // score; a window's score is that of its earliest detection, so a sweep keeps it up to date incrementally.
        var rows = new List<(double Score, int Window, double Value, bool FalsePositive)>();
        var windows = 0;
        foreach (var series in corpus)
        {
            Validate(series);
            var probation = ProbationOf(series.Scores.Count);
            var w = 0;
            (int Start, int End)? lastEnded = null;
            for (var i = 0; i < series.Scores.Count; i++)
            {
                while (w < series.Windows.Count && series.Windows[w].End < i)
                {
                    lastEnded = series.Windows[w];
                    w++;
                }

                if (i < probation)
                {
                    continue;
                }

                var score = series.Scores[i];
                if (w < series.Windows.Count && series.Windows[w].Start <= i)
                {
                    var (start, end) = series.Windows[w];
                    var width = end - start + 1;
                    var value = ScaledSigmoid(-(double)(end - i + 1) / width) * profile.TruePositive / ScaledSigmoid(-1);
                    rows.Add((score, windows + w, value, false));
                }
                else
                {
                    var value = lastEnded is { } ended
                        ? profile.FalsePositive * ScaledSigmoid(Math.Abs(ended.End - i) / (double)Math.Max(ended.End - ended.Start, 1))
                        : -profile.FalsePositive;
                    rows.Add((score, -1, value, true));
                }
            }

            windows += series.Windows.Count;
        }

        rows.Sort((a, b) => b.Score.CompareTo(a.Score));
        var best = new double?[windows];
        var raw = -profile.FalseNegative * windows;
        var (bestRaw, bestThreshold, bestIndex) = (raw, rows.Count == 0 ? 1.0 : Math.BitIncrement(rows[0].Score), -1);
        for (var k = 0; k < rows.Count; k++)
        {
            var row = rows[k];
            if (row.FalsePositive)
            {
                raw += row.Value;
            }
            else if (best[row.Window] is not { } current)
            {
                best[row.Window] = row.Value;
                raw += row.Value + profile.FalseNegative;
            }
            else if (row.Value > current)
            {
                best[row.Window] = row.Value;
                raw += row.Value - current;
            }

            // A threshold sits between distinct scores: all rows of one score turn on together.
            if ((k + 1 == rows.Count || rows[k + 1].Score < row.Score) && raw > bestRaw + 1e-12)
            {
                (bestRaw, bestThreshold, bestIndex) = (raw, row.Score, k);
            }
        }

        var detected = new HashSet<int>();
        var falsePositives = 0;
        for (var k = 0; k <= bestIndex; k++)
        {
            if (rows[k].FalsePositive)
            {
                falsePositives++;
            }
            else
            {
                detected.Add(rows[k].Window);
            }
        }

        var nullScore = -profile.FalseNegative * windows;
        var perfect = profile.TruePositive * windows;
        var normalized = windows == 0 ? 0 : 100 * (bestRaw - nullScore) / (perfect - nullScore);
        return new NabResult(profile, bestThreshold, bestRaw, normalized, detected.Count, windows - detected.Count, falsePositives);
    }

    private static void Validate(NabSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var previousEnd = -1;
        foreach (var (start, end) in series.Windows)
        {
            if (start <= previousEnd || end < start || start < 0 || end >= series.Scores.Count)
            {
                throw new ArgumentException($"{series.Name}: window [{start}, {end}] is out of order, empty or outside its {series.Scores.Count} rows.", nameof(series));
            }

            previousEnd = end;
        }

        foreach (var score in series.Scores)
        {
            if (!double.IsFinite(score) || score < 0 || score > 1)
            {
                throw new ArgumentException($"{series.Name}: anomaly score {score} is not in [0, 1].", nameof(series));
            }
        }
    }
}
