using HealingGrains.Core.Evaluation;

namespace HealingGrains.Core.Tests;

/// <summary>The miner on the public Loghub-2k sample in <c>../shared/data/loghub2k</c>, with its one universal configuration.</summary>
public sealed class LoghubAccuracyTests(ITestOutputHelper output)
{
    [Fact]
    public void GroupingAccuracyIsAtLeast096OnAverageAndAtLeast090OnEverySystem()
    {
        var directory = SharedData.Path("loghub2k");
        var systems = LoghubEvaluation.FindSystems(directory);
        Assert.True(systems.Count == 8, $"expected the 8 Loghub-2k systems under {directory}, found {systems.Count}");

        var results = systems.Select(s =>
        {
            using var reader = File.OpenText(s.Path);
            return LoghubEvaluation.Run(s.System, LoghubCsv.Read(reader));
        }).ToList();

        foreach (var r in results)
        {
            output.WriteLine($"{r.System,-10} GA {r.GroupingAccuracy:F3}  PA {r.ParsingAccuracy:F3}  groups {r.GroupsFound}/{r.TrueGroups}");
        }

        var mean = results.Average(r => r.GroupingAccuracy);
        output.WriteLine($"mean GA {mean:F4}");
        Assert.True(mean >= 0.96, $"mean grouping accuracy {mean:F4} is below 0.96");
        Assert.All(results, r => Assert.True(r.GroupingAccuracy >= 0.90, $"{r.System}: grouping accuracy {r.GroupingAccuracy:F3} is below 0.90"));
    }
}
