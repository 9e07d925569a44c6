using HealingGrains.Learning.Models;

namespace HealingGrains.Learning.Tests;

public sealed class OutcomeModelTests(ITestOutputHelper output)
{
    private static readonly string[] Kinds = ["restart", "scale-out", "rollback-version", "failover"];

    // A known world: each (kind, category) has its success rate; any kind but a rollback harms a deployment younger
    // than ten minutes three times in four.
    private static double TrueSuccess(string kind, string category) =>
        (kind, category) switch
        {
            ("restart", "MemoryAndResources") => 0.9,
            ("scale-out", "Capacity") => 0.85,
            ("rollback-version", "Deployment") => 0.95,
            ("failover", "Database") => 0.8,
            _ => 0.2,
        };

    private static double TrueHarm(string kind, double ageMinutes) => kind != "rollback-version" && ageMinutes < 10 ? 0.75 : 0.1;

    private static List<OutcomeExample> World(int count, int seed)
    {
        var random = new Random(seed);
        string[] categories = ["MemoryAndResources", "Capacity", "Deployment", "Database"];
        var examples = new List<OutcomeExample>(count);
        for (var i = 0; i < count; i++)
        {
            var kind = Kinds[random.Next(Kinds.Length)];
            var category = categories[random.Next(categories.Length)];
            var age = random.NextDouble() < 0.3 ? random.Next(0, 10) : random.Next(60, 20_000);
            var features = new ActionFeatures { Kind = kind, Category = category, DeploymentAgeMinutes = age, Production = true };
            examples.Add(new OutcomeExample($"a{seed}-{i}", features, random.NextDouble() < TrueSuccess(kind, category), random.NextDouble() < TrueHarm(kind, age)));
        }

        return examples;
    }

    [Fact]
    public void TheFixPredictorLearnsWhichKindFixesWhichCategoryAndIsCalibrated()
    {
        var data = World(6_000, 1);
        var model = FixPredictor.Train(data.Where(e => !OutcomeModel.IsHeldOut(e)));
        var heldOut = data.Where(OutcomeModel.IsHeldOut).ToList();
        var metrics = model.Evaluate(heldOut);
        var baseRate = heldOut.Average(e => e.Succeeded ? 1.0 : 0.0);
        var baseBrier = heldOut.Average(e => Math.Pow(baseRate - (e.Succeeded ? 1 : 0), 2));
        output.WriteLine($"fix: Brier {metrics.Brier:F3} (base rate {baseBrier:F3}), ECE {metrics.CalibrationError:F3}, n {metrics.Count}");

        Assert.InRange(model.Predict(new ActionFeatures { Kind = "restart", Category = "MemoryAndResources" }), 0.8, 0.97);
        Assert.InRange(model.Predict(new ActionFeatures { Kind = "restart", Category = "Capacity" }), 0.1, 0.3);
        Assert.InRange(model.Predict(new ActionFeatures { Kind = "rollback-version", Category = "Deployment" }), 0.85, 0.99);
        Assert.True(metrics.Brier < baseBrier * 0.7, $"Brier {metrics.Brier:F3} against {baseBrier:F3} for the base rate");
        Assert.True(metrics.CalibrationError < 0.05, $"calibration error {metrics.CalibrationError:F3}");
    }

    [Fact]
    public void TheRiskAssessorLearnsThatYoungDeploymentsAreRiskyForAnythingButARollback()
    {
        var data = World(6_000, 2);
        var model = RiskAssessor.Train(data.Where(e => !OutcomeModel.IsHeldOut(e)));
        var metrics = model.Evaluate(data.Where(OutcomeModel.IsHeldOut));
        output.WriteLine($"risk: Brier {metrics.Brier:F3}, ECE {metrics.CalibrationError:F3}, base rate {metrics.BaseRate:F2}");

        Assert.InRange(model.Predict(new ActionFeatures { Kind = "restart", DeploymentAgeMinutes = 3, Production = true }), 0.6, 0.9);
        Assert.InRange(model.Predict(new ActionFeatures { Kind = "restart", DeploymentAgeMinutes = 5_000, Production = true }), 0.02, 0.2);
        Assert.InRange(model.Predict(new ActionFeatures { Kind = "rollback-version", DeploymentAgeMinutes = 3, Production = true }), 0.02, 0.25);
        Assert.True(metrics.CalibrationError < 0.05, $"calibration error {metrics.CalibrationError:F3}");
    }

    [Fact]
    public void ASavedModelLoadsAndPredictsTheSameAndBytesOfAnotherModelAreRefusedWithTheReason()
    {
        var data = World(1_000, 3);
        var risk = RiskAssessor.Train(data);
        var features = new ActionFeatures { Kind = "failover", DeploymentAgeMinutes = 4 };

        Assert.Equal(risk.Predict(features), RiskAssessor.Load(risk.Save()).Predict(features));
        var wrong = Assert.Throws<InvalidDataException>(() => FixPredictor.Load(risk.Save()));
        Assert.Contains("risk-features/1", wrong.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => ErrorClassifier.Load(risk.Save()));
        Assert.Throws<InvalidDataException>(() => RiskAssessor.Load([.. risk.Save().Take(100)]));
        Assert.Throws<InvalidDataException>(() => RiskAssessor.Load("not a model"u8.ToArray()));
    }

    [Fact]
    public void AModelOfTheRightFeaturesButAnotherShapeIsRefusedRatherThanScoredPastItsWeights()
    {
        var small = new LinearModel(FixPredictor.Featurizer, 4, ["succeeded"], [0f], new float[4]).Save();
        var twoClasses = new LinearModel(RiskAssessor.Featurizer, ActionFeaturizer.Dimension, ["a", "b"], [0f, 0f], new float[2 * ActionFeaturizer.Dimension]).Save();
        var classifier = new LinearModel(ErrorText.Featurizer, 4, Enum.GetNames<ErrorCategory>(), new float[11], new float[44]).Save();

        Assert.Contains("buckets", Assert.Throws<InvalidDataException>(() => FixPredictor.Load(small)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => RiskAssessor.Load(twoClasses));
        Assert.Contains("buckets", Assert.Throws<InvalidDataException>(() => ErrorClassifier.Load(classifier)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainingRefusesTooFewOrOneSidedOutcomes()
    {
        var data = World(200, 4);
        Assert.Throws<ArgumentException>(() => FixPredictor.Train(data.Take(5)));
        Assert.Throws<ArgumentException>(() => RiskAssessor.Train(data.Select(e => e with { Harmed = false })));
    }

    [Fact]
    public void ProbabilityMetricsAreRightOnHandMadeCases()
    {
        var perfect = ProbabilityMetrics.Of([(1.0, true), (0.0, false)]);
        Assert.Equal(0, perfect.Brier, 9);
        Assert.Equal(0, perfect.CalibrationError, 9);
        var coin = ProbabilityMetrics.Of([(0.5, true), (0.5, false)]);
        Assert.Equal(0.25, coin.Brier, 9);
        Assert.Equal(0, coin.CalibrationError, 9);
        Assert.Equal(Math.Log(2), coin.LogLoss, 9);
        var overconfident = ProbabilityMetrics.Of([(0.9, false), (0.9, true)]);
        Assert.Equal(0.4, overconfident.CalibrationError, 9);
    }
}
