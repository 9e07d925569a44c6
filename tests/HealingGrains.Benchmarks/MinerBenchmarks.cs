using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using HealingGrains.Core.Evaluation;
using HealingGrains.Core.Fingerprinting;

namespace HealingGrains.Benchmarks;

/// <summary>
/// The template miner on real log lines (Loghub-2k, from the steering repository's shared data): matching lines of
/// known templates, and learning from a cold start. One operation is one line: "Op/s" is lines per second on one core.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(LinesPerSecondConfig))]
public class MinerBenchmarks
{
    private const int Lines = 2_000;

    private readonly MessageScanner _scanner = new();
    private string[] _lines = [];
    private TemplateMiner _trained = null!;

    /// <summary>The Loghub system whose lines are used.</summary>
    [Params("Android", "BGL", "HDFS", "HPC", "Hadoop", "HealthApp", "Linux", "OpenStack")]
    public string Dataset { get; set; } = "HDFS";

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(FindData(), Dataset, $"{Dataset}_2k.log_structured.csv");
        using var reader = File.OpenText(path);
        _lines = [.. LoghubCsv.Read(reader).Select(r => r.Content)];
        if (_lines.Length != Lines)
        {
            throw new InvalidDataException($"{path} has {_lines.Length} lines; the benchmark counts {Lines} per operation.");
        }

        _trained = new TemplateMiner();
        foreach (var line in _lines)
        {
            _trained.Add(line);
        }
    }

    /// <summary>2,000 lines whose templates the miner knows.</summary>
    [Benchmark(OperationsPerInvoke = Lines)]
    public int MatchKnownTemplates()
    {
        var matched = 0;
        foreach (var line in _lines)
        {
            if (_trained.Match(line) is not null)
            {
                matched++;
            }
        }

        return matched;
    }

    /// <summary>The scanning alone (masking and tokenising), the first half of matching.</summary>
    [Benchmark(OperationsPerInvoke = Lines)]
    public int ScanOnly()
    {
        var length = 0;
        foreach (var line in _lines)
        {
            length += _scanner.Scan(line).Length;
        }

        return length;
    }

    /// <summary>2,000 lines into a fresh miner.</summary>
    [Benchmark(OperationsPerInvoke = Lines)]
    public int LearnFromColdStart()
    {
        var miner = new TemplateMiner();
        foreach (var line in _lines)
        {
            miner.Add(line);
        }

        return miner.ClusterCount;
    }

    private static string FindData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "loghub2k");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("../shared/data/loghub2k was not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Adds lines per second (operations per second) and the median to the summary.</summary>
public sealed class LinesPerSecondConfig : ManualConfig
{
    /// <summary>The columns.</summary>
    public LinesPerSecondConfig() => AddColumn(StatisticColumn.Median, StatisticColumn.OperationsPerSecond);
}
