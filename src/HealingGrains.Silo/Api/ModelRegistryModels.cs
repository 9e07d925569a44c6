using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;

namespace HealingGrains.Silo.Api;

/// <summary>Response of <c>GET /api/v1/models</c>: every kind, in a fixed order.</summary>
public sealed class ModelsResponse
{
    public required IReadOnlyList<ModelKindResponse> Models { get; init; }
}

/// <summary>One kind of model: its active version and every version, oldest first.</summary>
public sealed class ModelKindResponse
{
    /// <summary><c>classifier</c>, <c>fix-predictor</c> or <c>risk-assessor</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The version in use; null when none was promoted yet.</summary>
    public ModelVersionResponse? Active { get; init; }

    public required IReadOnlyList<ModelVersionResponse> Versions { get; init; }
}

/// <summary>A registered version, without its bytes (<c>…/versions/{version}/content</c>).</summary>
public sealed class ModelVersionResponse
{
    /// <summary>The kind's path name.</summary>
    public required string Kind { get; init; }

    public int Version { get; init; }

    /// <summary>How evidence names it, e.g. <c>ErrorClassifier/3</c>.</summary>
    public required string Label { get; init; }

    /// <summary><c>candidate</c>, <c>active</c> or <c>retired</c>.</summary>
    public required string Status { get; init; }

    public int SizeBytes { get; init; }

    /// <summary><c>trained</c> by the host, or <c>uploaded</c>.</summary>
    public required string Origin { get; init; }

    public required string TrainingDataHash { get; init; }

    /// <summary>Versions compare directly only when they were measured on the same held-out data.</summary>
    public required string HeldOutDataHash { get; init; }

    /// <summary>The deciding metric: <c>macroF1</c> (higher is better) or <c>brier</c> (lower is better).</summary>
    public required string Metric { get; init; }

    public bool HigherIsBetter { get; init; }

    /// <summary>Every metric measured on the held-out data (finite values only).</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <summary>The version that was active when this one was measured.</summary>
    public int? BaselineVersion { get; init; }

    /// <summary>That version's deciding metric on this one's held-out data.</summary>
    public double? BaselineMetric { get; init; }

    public DateTimeOffset RegisteredAt { get; init; }

    public static ModelVersionResponse From(ModelVersionInfo v) => new()
    {
        Kind = ModelKindNames.Of(v.Kind),
        Version = v.Version,
        Label = v.Label,
        Status = v.Status switch
        {
            ModelStatus.Active => "active",
            ModelStatus.Retired => "retired",
            _ => "candidate",
        },
        SizeBytes = v.SizeBytes,
        Origin = v.Origin,
        TrainingDataHash = v.TrainingDataHash,
        HeldOutDataHash = v.HeldOutDataHash,
        Metric = v.Metric,
        HigherIsBetter = v.HigherIsBetter,

        // Strict number handling cannot write NaN; a metric of an empty held-out set is left out rather than failing the call.
        Metrics = v.Metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal),
        BaselineVersion = v.BaselineVersion,
        BaselineMetric = v.BaselineMetric is { } baseline && double.IsFinite(baseline) ? baseline : null,
        RegisteredAt = v.RegisteredAt,
    };
}
