using HealingGrains.Core.Healing;
using System.Globalization;
using System.Security.Cryptography;
using HealingGrains.Learning.Corpus;
using HealingGrains.Learning.Models;
using HealingGrains.Storage;
using Microsoft.Extensions.Options;

namespace HealingGrains.Grains.Models;

/// <summary>
/// Trains, measures and registers model versions on the host's own data: the shipped corpus and admins' corrections
/// for the classifier, the recorded outcomes for the fix predictor and the risk assessor. Every candidate is measured
/// on held-out data together with the active version, so the registry compares them on the same data.
/// </summary>
public sealed class ModelTrainer(IRowStore rows, IGrainFactory grains, IOptions<ModelRegistryOptions> options)
{
    /// <summary>The most corrections the classifier trains on.</summary>
    public const int MaxCorrections = 20_000;

    /// <summary>Trains a candidate of <paramref name="kind"/> and registers it (refused with the reason when there is too little data).</summary>
    public async Task<ModelDecision> TrainAsync(ModelKind kind, CancellationToken cancellationToken)
    {
        if (kind == ModelKind.ErrorClassifier)
        {
            var (train, heldOut) = ErrorCorpus.Split();
            var corrections = await TrainingData.CorrectionsAsync(rows, MaxCorrections, cancellationToken);
            var corrected = corrections
                .Where(c => Enum.TryParse<ErrorCategory>(c.Category, out _))
                .Select(c => new CorpusEntry(Enum.Parse<ErrorCategory>(c.Category), "correction", c.ExceptionType, c.Message, null));
            var all = train.Concat(corrected).ToList();
            var classifier = await Task.Run(() => ErrorClassifier.Train(all), cancellationToken);
            return await RegisterAsync(kind, classifier.Save(), ErrorClassifier.Hash(all), heldOut, "trained", cancellationToken);
        }

        var outcomes = await TrainingData.OutcomesAsync(rows, options.Value.MaxTrainingOutcomes, cancellationToken);
        var training = outcomes.Where(e => !OutcomeModel.IsHeldOut(e)).ToList();
        OutcomeModel model;
        try
        {
            model = await Task.Run<OutcomeModel>(() => kind == ModelKind.FixPredictor ? FixPredictor.Train(training) : RiskAssessor.Train(training), cancellationToken);
        }
        catch (ArgumentException ex)
        {
            return new ModelDecision { Accepted = false, Reason = $"{kind} cannot be trained yet: {ex.Message.Split(" (Parameter", 2)[0]}" };
        }

        return await RegisterAsync(kind, model.Save(), OutcomeModel.Hash(training), outcomes, "trained", cancellationToken);
    }

    /// <summary>Checks uploaded bytes (they must load as a model of <paramref name="kind"/>), measures them and registers them.</summary>
    public async Task<ModelDecision> RegisterUploadAsync(ModelKind kind, byte[] bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length > options.Value.MaxModelBytes)
        {
            return new ModelDecision { Accepted = false, Reason = $"A model must hold 1 to {options.Value.MaxModelBytes:N0} bytes; this one has {bytes.Length:N0}." };
        }

        object heldOut = kind == ModelKind.ErrorClassifier
            ? ErrorCorpus.Split().HeldOut
            : await TrainingData.OutcomesAsync(rows, options.Value.MaxTrainingOutcomes, cancellationToken);
        try
        {
            // Measuring loads the bytes: a non-model is refused there, with the reason, before anything is stored.
            return await RegisterAsync(kind, bytes, "uploaded:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), heldOut, "uploaded", cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            return new ModelDecision { Accepted = false, Reason = $"Not a {kind} model: {ex.Message}" };
        }
    }

    private async Task<ModelDecision> RegisterAsync(
        ModelKind kind, byte[] bytes, string trainingHash, object heldOutData, string origin, CancellationToken cancellationToken)
    {
        var registry = grains.GetGrain<IModelRegistryGrain>(kind.ToString());
        var active = await registry.GetActiveAsync();
        var activeBytes = active is null ? null : await grains.GetGrain<IModelVersionGrain>(ModelVersionKey.Format(kind, active.Version)).GetBytesAsync();
        var (metric, higherIsBetter, metrics, heldOutHash, baseline) = await Task.Run(() => Measure(kind, bytes, heldOutData, activeBytes), cancellationToken);
        return await registry.RegisterAsync(new ModelRegistration
        {
            Bytes = bytes,
            TrainingDataHash = trainingHash,
            HeldOutDataHash = heldOutHash,
            Metric = metric,
            HigherIsBetter = higherIsBetter,
            Metrics = metrics,
            BaselineVersion = baseline is null ? null : active!.Version,
            BaselineMetric = baseline,
            Origin = origin,
        });
    }

    private static (string Metric, bool HigherIsBetter, Dictionary<string, double> Metrics, string HeldOutHash, double? Baseline) Measure(
        ModelKind kind, byte[] bytes, object heldOutData, byte[]? activeBytes)
    {
        if (kind == ModelKind.ErrorClassifier)
        {
            var heldOut = (IReadOnlyList<CorpusEntry>)heldOutData;
            var result = ErrorClassifier.Load(bytes).Evaluate(heldOut);
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["macroF1"] = result.MacroF1,
                ["accuracy"] = result.Accuracy,
                ["heldOut"] = heldOut.Count,
            };
            foreach (var (category, m) in result.PerCategory)
            {
                metrics[$"f1.{category}"] = m.F1;
            }

            // A champion this build cannot load (another featurizer) classifies nothing here: it scores the worst.
            double? baseline = activeBytes is null ? null : TryLoad(() => ErrorClassifier.Load(activeBytes), activeBytes)?.Evaluate(heldOut).MacroF1 ?? 0;
            return ("macroF1", true, metrics, ErrorClassifier.Hash(heldOut), baseline);
        }

        var outcomes = ((List<OutcomeExample>)heldOutData).Where(OutcomeModel.IsHeldOut).ToList();
        var model = (OutcomeModel)Load(kind, bytes);
        var p = model.Evaluate(outcomes);
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["brier"] = p.Count == 0 ? 1 : p.Brier,
            ["calibrationError"] = p.Count == 0 ? 1 : p.CalibrationError,
            ["logLoss"] = p.Count == 0 ? 1 : p.LogLoss,
            ["heldOut"] = p.Count,
            ["baseRate"] = p.Count == 0 ? 0 : p.BaseRate,
        };
        double? championBrier = activeBytes is null || p.Count == 0
            ? null
            : TryLoad(() => (OutcomeModel)Load(kind, activeBytes), activeBytes)?.Evaluate(outcomes).Brier ?? 1;
        return ("brier", false, values, OutcomeModel.Hash(outcomes), championBrier);
    }

    private static T? TryLoad<T>(Func<T> load, byte[]? bytes)
        where T : class
    {
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return load();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Loads bytes as a model of <paramref name="kind"/>; <see cref="InvalidDataException"/> says why they are not one.</summary>
    public static object Load(ModelKind kind, byte[] bytes) => kind switch
    {
        ModelKind.ErrorClassifier => ErrorClassifier.Load(bytes),
        ModelKind.FixPredictor => FixPredictor.Load(bytes),
        ModelKind.RiskAssessor => RiskAssessor.Load(bytes),
        _ => throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"Unknown model kind {kind}.")),
    };
}
