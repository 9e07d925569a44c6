using HealingGrains.Abstractions.Grains;

namespace HealingGrains.Abstractions.Keys;

/// <summary>
/// The names of the model kinds in the API's paths and on the command line (<c>classifier</c>, <c>fix-predictor</c>,
/// <c>risk-assessor</c>), in one place so the host and its clients agree.
/// </summary>
public static class ModelKindNames
{
    /// <summary>Every name, in the order of <see cref="ModelKind"/>.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<ModelKind>().Select(Of)];

    /// <summary>The name of <paramref name="kind"/>.</summary>
    public static string Of(ModelKind kind) => kind switch
    {
        ModelKind.ErrorClassifier => "classifier",
        ModelKind.FixPredictor => "fix-predictor",
        ModelKind.RiskAssessor => "risk-assessor",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown model kind."),
    };

    /// <summary>The kind named <paramref name="name"/> (exactly as <see cref="Of"/> writes it).</summary>
    public static bool TryParse(string? name, out ModelKind kind)
    {
        foreach (var candidate in Enum.GetValues<ModelKind>())
        {
            if (string.Equals(Of(candidate), name, StringComparison.Ordinal))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
