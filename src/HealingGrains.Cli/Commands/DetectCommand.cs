using System.Globalization;
using System.Text;
using HealingGrains.Core.Detection;
using HealingGrains.Core.Evaluation;

namespace HealingGrains.Cli.Commands;

/// <summary>
/// <c>hg detect</c>: a fresh <see cref="MetricDetector"/> over every <c>timestamp,value</c> file of a folder, writing
/// <c>timestamp,value,anomaly_score</c> under the same relative path of the output folder. Streaming: a row's score
/// uses only the rows before it and itself.
/// </summary>
internal static class DetectCommand
{
    public static async Task<int> RunAsync(DirectoryInfo input, DirectoryInfo output, TextWriter progress, CancellationToken cancellationToken)
    {
        if (!input.Exists)
        {
            await progress.WriteLineAsync($"hg detect: {input.FullName} does not exist.");
            return ExitCodes.Usage;
        }

        var files = Directory.EnumerateFiles(input.FullName, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            await progress.WriteLineAsync($"hg detect: no *.csv under {input.FullName}.");
            return ExitCodes.Usage;
        }

        var failed = 0;
        for (var i = 0; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = Path.GetRelativePath(input.FullName, files[i]);
            await progress.WriteLineAsync($"[{i + 1}/{files.Count}] {relative}");
            try
            {
                var target = Path.Combine(output.FullName, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllTextAsync(target, Score(files[i]), new UTF8Encoding(false), cancellationToken);
            }
            catch (InvalidDataException ex)
            {
                failed++;
                await progress.WriteLineAsync($"hg detect: {ex.Message}");
            }
        }

        await progress.WriteLineAsync($"{files.Count - failed} of {files.Count} files scored into {output.FullName}");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    // The whole file is read and checked before anything is written: a bad row leaves no half-written output.
    private static string Score(string path)
    {
        var detector = new MetricDetector();
        var text = new StringBuilder("timestamp,value,anomaly_score\n");
        var line = 0;
        foreach (var row in File.ReadLines(path))
        {
            line++;
            if (line == 1 && row.StartsWith("timestamp", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (row.Length == 0)
            {
                continue;
            }

            var comma = row.IndexOf(',', StringComparison.Ordinal);
            var stamp = comma < 0 ? row : row[..comma];
            if (comma < 0 || !TryParseTime(stamp, out var timestamp)
                || !double.TryParse(row.AsSpan(comma + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw new InvalidDataException($"{path}:{line}: expected 'timestamp,value' (a time such as 2014-04-10 07:15:00 and a finite number), got '{Shorten(row)}'.");
            }

            var score = detector.Update(timestamp, value).Probability;
            text.Append(stamp).Append(',').Append(row.AsSpan(comma + 1)).Append(',').Append(score.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        return text.ToString();
    }

    private static bool TryParseTime(string text, out DateTimeOffset timestamp)
    {
        if (NabCorpus.TryParseTime(text, out var nab))
        {
            timestamp = new DateTimeOffset(nab, TimeSpan.Zero);
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out timestamp);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
