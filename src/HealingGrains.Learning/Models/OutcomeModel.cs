using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HealingGrains.Learning.Features;

namespace HealingGrains.Learning.Models;

/// <summary>How well predicted probabilities match what happened.</summary>
/// <param name="Brier">Mean squared difference between probability and outcome (0 is perfect; 0.25 is a coin).</param>
/// <param name="CalibrationError">Expected calibration error over ten equal-width probability bins.</param>
/// <param name="LogLoss">Mean negative log-likelihood (natural log), probabilities clamped to [10⁻⁶, 1 − 10⁻⁶].</param>
/// <param name="Count">How many outcomes were scored.</param>
/// <param name="BaseRate">The share of positive outcomes.</param>
public sealed record ProbabilityMetrics(double Brier, double CalibrationError, double LogLoss, int Count, double BaseRate)
{
    /// <summary>The metrics of <paramref name="pairs"/> (probability, outcome).</summary>
    public static ProbabilityMetrics Of(IReadOnlyCollection<(double Probability, bool Outcome)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0)
        {
            return new ProbabilityMetrics(double.NaN, double.NaN, double.NaN, 0, double.NaN);
        }

        var brier = pairs.Average(p => Math.Pow(p.Probability - (p.Outcome ? 1 : 0), 2));
        var logLoss = pairs.Average(p => -Math.Log(Math.Clamp(p.Outcome ? p.Probability : 1 - p.Probability, 1e-6, 1 - 1e-6)));
        var calibration = pairs
            .GroupBy(p => Math.Min(9, (int)(p.Probability * 10)))
            .Sum(bin => bin.Count() * Math.Abs(bin.Average(p => p.Probability) - bin.Average(p => p.Outcome ? 1.0 : 0.0))) / pairs.Count;
        return new ProbabilityMetrics(brier, calibration, logLoss, pairs.Count, pairs.Average(p => p.Outcome ? 1.0 : 0.0));
    }
}

/// <summary>A logistic model of one outcome of an action (success for the fix predictor, harm for the risk assessor).</summary>
public abstract class OutcomeModel
{
    [ThreadStatic]
    private static FeatureVector? _vector;

    private protected OutcomeModel(LinearModel model) => Model = model;

    /// <summary>The weights.</summary>
    public LinearModel Model { get; }

    /// <summary>The model's bytes.</summary>
    public byte[] Save() => Model.Save();

    /// <summary>The probability of the outcome for an action with these features.</summary>
    public double Predict(ActionFeatures features)
    {
        var vector = _vector ??= new FeatureVector(ActionFeaturizer.Dimension);
        vector.Clear();
        Featurize(features, vector);
        return Model.Probability(vector);
    }

    /// <summary>Brier score, calibration error and log loss on recorded outcomes.</summary>
    public ProbabilityMetrics Evaluate(IEnumerable<OutcomeExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return ProbabilityMetrics.Of([.. examples.Select(e => (Predict(e.Features), Label(e)))]);
    }

    /// <summary>Whether the example belongs to the held-out split: one action in five, by a stable hash of its id.</summary>
    public static bool IsHeldOut(OutcomeExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        return FeatureHash.Of(example.Id, 97) % 5 == 0;
    }

    /// <summary>SHA-256 (hex) of examples in order, for the registry's training- and held-out-data hashes.</summary>
    public static string Hash(IEnumerable<OutcomeExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var e in examples)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(e)));
            sha.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    // A model of the right featurizer can still have been written with another dimension or several classes; scoring it
    // would index past its weights.
    private protected static LinearModel Checked(LinearModel model)
    {
        if (model.Dimension != ActionFeaturizer.Dimension || model.Classes.Count != 1)
        {
            throw new InvalidDataException(
                $"The model has {model.Dimension} buckets and {model.Classes.Count} classes; this build scores {ActionFeaturizer.Dimension} buckets and one class.");
        }

        return model;
    }

    private protected abstract void Featurize(ActionFeatures features, FeatureVector vector);

    private protected abstract bool Label(OutcomeExample example);

    private protected static LinearModel Fit(
        string featurizer, string positive, IEnumerable<OutcomeExample> examples, Action<ActionFeatures, FeatureVector> featurize,
        Func<OutcomeExample, bool> label, int seed)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var vector = new FeatureVector(ActionFeaturizer.Dimension);
        var rows = examples.Select(e =>
        {
            vector.Clear();
            featurize(e.Features, vector);
            return (vector.ToVBuffer(), label(e));
        }).ToList();
        if (rows.Count < 10 || rows.All(r => r.Item2) || rows.All(r => !r.Item2))
        {
            throw new ArgumentException($"Training needs at least 10 outcomes with both values of '{positive}'; there are {rows.Count}.", nameof(examples));
        }

        return LinearTrainer.Binary(featurizer, ActionFeaturizer.Dimension, positive, rows, seed);
    }
}

/// <summary>The probability that an action kind fixes an error with given features.</summary>
public sealed class FixPredictor : OutcomeModel
{
    /// <summary>The featurizer's name and version, stored in the model.</summary>
    public const string Featurizer = "fix-features/1";

    private FixPredictor(LinearModel model)
        : base(model)
    {
    }

    /// <summary>Trains on recorded outcomes (label: succeeded).</summary>
    public static FixPredictor Train(IEnumerable<OutcomeExample> examples, int seed = 1) =>
        new(Fit(Featurizer, "succeeded", examples, ActionFeaturizer.ForFix, e => e.Succeeded, seed));

    /// <summary>Loads a model saved with <see cref="OutcomeModel.Save"/>.</summary>
    public static FixPredictor Load(byte[] bytes) => new(Checked(LinearModel.Load(bytes, Featurizer)));

    private protected override void Featurize(ActionFeatures features, FeatureVector vector) => ActionFeaturizer.ForFix(features, vector);

    private protected override bool Label(OutcomeExample example) => example.Succeeded;
}

/// <summary>The probability that an action does harm (fails, or the error rate gets worse) in its context.</summary>
public sealed class RiskAssessor : OutcomeModel
{
    /// <summary>The featurizer's name and version, stored in the model.</summary>
    public const string Featurizer = "risk-features/1";

    private RiskAssessor(LinearModel model)
        : base(model)
    {
    }

    /// <summary>Trains on recorded outcomes (label: harmed).</summary>
    public static RiskAssessor Train(IEnumerable<OutcomeExample> examples, int seed = 1) =>
        new(Fit(Featurizer, "harmed", examples, ActionFeaturizer.ForRisk, e => e.Harmed, seed));

    /// <summary>Loads a model saved with <see cref="OutcomeModel.Save"/>.</summary>
    public static RiskAssessor Load(byte[] bytes) => new(Checked(LinearModel.Load(bytes, Featurizer)));

    private protected override void Featurize(ActionFeatures features, FeatureVector vector) => ActionFeaturizer.ForRisk(features, vector);

    private protected override bool Label(OutcomeExample example) => example.Harmed;
}
