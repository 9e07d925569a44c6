using HealingGrains.Abstractions.Grains;

namespace HealingGrains.Abstractions.Keys;

/// <summary>The key <c>{kind}/{version}</c> of <c>ModelVersionGrain</c>.</summary>
public static class ModelVersionKey
{
    /// <summary>Formats the key of one model version.</summary>
    public static string Format(ModelKind kind, int version) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{kind}/{version}");
}
