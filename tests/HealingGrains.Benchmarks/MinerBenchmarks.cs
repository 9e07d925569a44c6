using BenchmarkDotNet.Attributes;
using HealingGrains.Core.Evaluation;
using HealingGrains.Core.Fingerprinting;

namespace HealingGrains.Benchmarks;

/// <summary>
/// The template miner on real log lines (Loghub-2k, from the steering repository's shared data): matching lines of
/// known templates, and learning from a cold start. Lines per second = 2,000 / the reported mean.
/// </summary>
[MemoryDiagnoser]
public class MinerBenchmarks
{
    private string[] _lines = [];
    private TemplateMiner _trained = null!;

    /// <summary>The Loghub system whose lines are used.</summary>
    [Params("HDFS", "Linux", "OpenStack")]
    public string Dataset { get; set; } = "HDFS";

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(FindData(), Dataset, $"{Dataset}_2k.log_structured.csv");
        using var reader = File.OpenText(path);
        _lines = [.. LoghubCsv.Read(reader).Select(r => r.Content)];
        _trained = new TemplateMiner();
        foreach (var line in _lines)
        {
            _trained.Add(line);
        }
    }

    /// <summary>2,000 lines whose templates the miner knows.</summary>
    [Benchmark]
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

    /// <summary>2,000 lines into a fresh miner.</summary>
    [Benchmark]
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
