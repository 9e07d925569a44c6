using HealingGrains.Abstractions.Grains;

namespace HealingGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ModelRegistryTests(ClusterFixture fixture)
{
    private const string HeldOut = "heldout-sha256-a";

    // Registries are keyed by kind and the cluster is shared, so each test owns one kind.
    private IModelRegistryGrain Registry(ModelKind kind) => fixture.Client.GetGrain<IModelRegistryGrain>(kind.ToString());

    private static ModelRegistration Model(double macroF1, int bytes = 1000, string heldOut = HeldOut) => new()
    {
        Bytes = [.. Enumerable.Range(0, bytes).Select(i => (byte)(i * 7))],
        TrainingDataHash = "train-sha256",
        HeldOutDataHash = heldOut,
        Metric = "macroF1",
        Metrics = new() { ["macroF1"] = macroF1, ["accuracy"] = macroF1 },
    };

    [Fact]
    public async Task AModelOverTheSizeCapIsRefusedAndNothingIsRegistered()
    {
        var registry = Registry(ModelKind.RiskAssessor);
        var before = (await registry.ListAsync()).Count;

        var decision = await registry.RegisterAsync(Model(0.9, bytes: 1024 * 1024 + 1));

        Assert.False(decision.Accepted);
        Assert.Contains("1,048,576", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(before, (await registry.ListAsync()).Count);
    }

    [Fact]
    public async Task AChallengerReplacesTheChampionOnlyByTheMarginAndRollbackRestoresTheChampion()
    {
        var registry = Registry(ModelKind.ErrorClassifier);
        var first = (await registry.RegisterAsync(Model(0.90))).Version!;
        Assert.True((await registry.PromoteAsync(first.Version)).Accepted);

        var slightlyBetter = (await registry.RegisterAsync(Model(0.905))).Version!;
        var refused = await registry.PromoteAsync(slightlyBetter.Version);
        Assert.False(refused.Accepted);
        Assert.Contains("margin", refused.Reason, StringComparison.Ordinal);

        var otherData = (await registry.RegisterAsync(Model(0.99, heldOut: "heldout-sha256-b"))).Version!;
        Assert.False((await registry.PromoteAsync(otherData.Version)).Accepted);

        var better = (await registry.RegisterAsync(Model(0.93))).Version!;
        Assert.True((await registry.PromoteAsync(better.Version)).Accepted);
        Assert.Equal(better.Version, (await registry.GetActiveAsync())!.Version);
        var bytes = await fixture.Client.GetGrain<IModelVersionGrain>($"ErrorClassifier/{better.Version}").GetBytesAsync();
        Assert.Equal(1000, bytes!.Length);

        var rolledBack = await registry.RollbackAsync();
        Assert.True(rolledBack.Accepted);
        Assert.Equal(first.Version, (await registry.GetActiveAsync())!.Version);
        Assert.Equal(ModelStatus.Retired, (await registry.ListAsync()).Single(v => v.Version == better.Version).Status);
        Assert.False((await registry.RollbackAsync()).Accepted);
    }

    [Fact]
    public async Task ForALowerIsBetterMetricTheChallengerMustBeLowerByTheMargin()
    {
        var registry = Registry(ModelKind.FixPredictor);
        ModelRegistration Brier(double score) => new()
        {
            Bytes = [1, 2, 3],
            TrainingDataHash = "t",
            HeldOutDataHash = "h",
            Metric = "brier",
            HigherIsBetter = false,
            Metrics = new() { ["brier"] = score },
        };

        var champion = (await registry.RegisterAsync(Brier(0.20))).Version!;
        Assert.True((await registry.PromoteAsync(champion.Version)).Accepted);

        Assert.False((await registry.PromoteAsync((await registry.RegisterAsync(Brier(0.25))).Version!.Version)).Accepted);
        Assert.True((await registry.PromoteAsync((await registry.RegisterAsync(Brier(0.15))).Version!.Version)).Accepted);
    }
}
