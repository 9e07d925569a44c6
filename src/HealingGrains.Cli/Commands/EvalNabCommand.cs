using System.Globalization;
using HealingGrains.Core.Detection;
using HealingGrains.Core.Evaluation;

namespace HealingGrains.Cli.Commands;

/// <summary>
/// <c>hg eval nab</c>: scores anomaly scores on a NAB corpus with the NAB v1.1 rules, one threshold per profile over the
/// corpus. The scores are the project's detector's, run here, or those of any detector written as <c>hg detect</c>
/// writes them (<c>--results</c>).
/// </summary>
internal static class EvalNabCommand
{
    public static async Task<int> RunAsync(DirectoryInfo data, DirectoryInfo? results, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        IReadOnlyList<NabFile> files;
        try
        {
            files = NabCorpus.Load(data.FullName);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or System.Text.Json.JsonException)
        {
            await progress.WriteLineAsync($"hg eval nab: {ex.Message}");
            return ExitCodes.Usage;
        }

        if (files.Count == 0)
        {
            await progress.WriteLineAsync($"hg eval nab: no series under {Path.Combine(data.FullName, "data")}.");
            return ExitCodes.Usage;
        }

        var series = new List<NabSeries>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var file = files[i];
            await progress.WriteLineAsync($"[{i + 1}/{files.Count}] {file.Name}");
            try
            {
                IReadOnlyList<double> scores = results is null ? Detect(file) : Read(results, file);
                series.Add(new NabSeries(file.Name, scores, file.Windows));
            }
            catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException or DirectoryNotFoundException)
            {
                await progress.WriteLineAsync($"hg eval nab: {ex.Message}");
                return ExitCodes.Usage;
            }
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{files.Count} series, {files.Sum(f => f.Windows.Count)} anomaly windows, {files.Sum(f => f.Values.Count):N0} rows; detector: {(results is null ? "hg (MetricDetector, defaults)" : results.FullName)}"));
        await output.WriteLineAsync($"{"profile",-22}{"score",8}{"threshold",12}{"TP",6}{"FN",6}{"FP",6}");
        foreach (var profile in NabProfile.All)
        {
            var r = NabScorer.Score(series, profile);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{profile.Name,-22}{r.Normalized,8:F1}{r.Threshold,12:F6}{r.TruePositives,6}{r.FalseNegatives,6}{r.FalsePositives,6}"));
        }

        return ExitCodes.Ok;
    }

    private static double[] Detect(NabFile file)
    {
        var detector = new MetricDetector();
        var scores = new double[file.Values.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = detector.Update(new DateTimeOffset(file.Timestamps[i], TimeSpan.Zero), file.Values[i]).Probability;
        }

        return scores;
    }

    // A results file has the corpus file's rows, in order, with an anomaly_score column.
    private static List<double> Read(DirectoryInfo results, NabFile file)
    {
        var path = Path.Combine(results.FullName, file.Name);
        var scores = new List<double>(file.Values.Count);
        int? column = null;
        var line = 0;
        foreach (var row in File.ReadLines(path))
        {
            line++;
            var cells = row.Split(',');
            if (column is null)
            {
                column = Array.FindIndex(cells, c => c.Trim() == "anomaly_score");
                if (column < 0)
                {
                    throw new InvalidDataException($"{path}: the header has no anomaly_score column.");
                }

                continue;
            }

            if (row.Length == 0)
            {
                continue;
            }

            if (cells.Length <= column || !double.TryParse(cells[column.Value], NumberStyles.Float, CultureInfo.InvariantCulture, out var score)
                || !double.IsFinite(score) || score < 0 || score > 1)
            {
                throw new InvalidDataException($"{path}:{line}: anomaly_score must be a number in [0, 1].");
            }

            scores.Add(score);
        }

        if (scores.Count != file.Values.Count)
        {
            throw new InvalidDataException($"{path}: {scores.Count} scored rows, but the series has {file.Values.Count}.");
        }

        return scores;
    }
}
