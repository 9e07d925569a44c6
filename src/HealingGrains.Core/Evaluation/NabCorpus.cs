using System.Globalization;
using System.Text.Json;

namespace HealingGrains.Core.Evaluation;

/// <summary>One series of the Numenta Anomaly Benchmark: its rows and its labelled anomaly windows (row indices, inclusive).</summary>
/// <param name="Name">Its path under <c>data/</c>, with forward slashes (<c>realTraffic/speed_6005.csv</c>).</param>
/// <param name="Timestamps">The timestamp of each row.</param>
/// <param name="Values">The value of each row.</param>
/// <param name="Windows">The anomaly windows.</param>
public sealed record NabFile(string Name, IReadOnlyList<DateTime> Timestamps, IReadOnlyList<double> Values, IReadOnlyList<(int Start, int End)> Windows);

/// <summary>Reads a NAB corpus laid out as NAB ships it: <c>data/&lt;category&gt;/&lt;file&gt;.csv</c> and <c>labels/combined_windows.json</c>.</summary>
public static class NabCorpus
{
    /// <summary>The timestamp format of NAB's files and labels.</summary>
    private static readonly string[] Formats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.ffffff"];

    /// <summary>Every series under <paramref name="root"/>/data with its windows; a series the labels do not list is refused.</summary>
    public static IReadOnlyList<NabFile> Load(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var data = Path.Combine(root, "data");
        var labelsPath = Path.Combine(root, "labels", "combined_windows.json");
        if (!Directory.Exists(data) || !File.Exists(labelsPath))
        {
            throw new FileNotFoundException($"'{root}' is not a NAB corpus: it needs data/ and labels/combined_windows.json.");
        }

        using var labels = JsonDocument.Parse(File.ReadAllText(labelsPath));
        var files = new List<NabFile>();
        foreach (var path in Directory.EnumerateFiles(data, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(data, path).Replace('\\', '/');
            if (!labels.RootElement.TryGetProperty(name, out var windows))
            {
                throw new InvalidDataException($"{name} has no entry in labels/combined_windows.json.");
            }

            var (timestamps, values) = ReadSeries(path);
            files.Add(new NabFile(name, timestamps, values, WindowRows(name, timestamps, windows)));
        }

        return files;
    }

    /// <summary>Reads a <c>timestamp,value</c> file (a header row first).</summary>
    public static (IReadOnlyList<DateTime> Timestamps, IReadOnlyList<double> Values) ReadSeries(string path)
    {
        var timestamps = new List<DateTime>();
        var values = new List<double>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (line == 1 || text.Length == 0)
            {
                continue;
            }

            var comma = text.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0
                || !TryParseTime(text.AsSpan(0, comma), out var timestamp)
                || !double.TryParse(text.AsSpan(comma + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                || !double.IsFinite(value))
            {
                throw new InvalidDataException($"{path}:{line}: expected 'timestamp,value', got '{text}'.");
            }

            timestamps.Add(timestamp);
            values.Add(value);
        }

        return (timestamps, values);
    }

    /// <summary>Parses NAB's timestamp format.</summary>
    public static bool TryParseTime(ReadOnlySpan<char> text, out DateTime timestamp) =>
        DateTime.TryParseExact(text.Trim(), Formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out timestamp);

    private static List<(int, int)> WindowRows(string name, IReadOnlyList<DateTime> timestamps, JsonElement windows)
    {
        var rows = new List<(int, int)>();
        foreach (var window in windows.EnumerateArray())
        {
            if (window.GetArrayLength() != 2
                || !TryParseTime(window[0].GetString(), out var start)
                || !TryParseTime(window[1].GetString(), out var end))
            {
                throw new InvalidDataException($"{name}: a window is not a pair of timestamps: {window}.");
            }

            var first = -1;
            var last = -1;
            for (var i = 0; i < timestamps.Count; i++)
            {
                if (timestamps[i] >= start && timestamps[i] <= end)
                {
                    first = first < 0 ? i : first;
                    last = i;
                }
            }

            if (first >= 0)
            {
                rows.Add((first, last));
            }
        }

        return rows;
    }
}
