using Orleans.Concurrency;

namespace HealingGrains.Abstractions.Grains;

/// <summary>
/// The versions of one kind of model and which one is active. Key: the model kind's name
/// (<see cref="ModelKind"/>). A version is registered as a candidate, becomes active only by beating the active
/// one on the same held-out data by the configured margin, and the previous active version is one call away.
/// </summary>
public interface IModelRegistryGrain : IGrainWithStringKey
{
    /// <summary>Registers a candidate version; refused when it is over the size cap or lacks its metric.</summary>
    Task<ModelDecision> RegisterAsync(ModelRegistration registration);

    /// <summary>Makes a candidate the active version if it beats the active one (or there is none).</summary>
    Task<ModelDecision> PromoteAsync(int version);

    /// <summary>Makes the previously active version active again; the current one is retired.</summary>
    Task<ModelDecision> RollbackAsync();

    /// <summary>The active version, if any.</summary>
    [ReadOnly]
    Task<ModelVersionInfo?> GetActiveAsync();

    /// <summary>Every version, oldest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<ModelVersionInfo>> ListAsync();
}

/// <summary>One model version's bytes. Key: <c>{kind}/{version}</c>.</summary>
public interface IModelVersionGrain : IGrainWithStringKey
{
    /// <summary>Stores the version's bytes once; a second store with other bytes is refused.</summary>
    Task<bool> StoreAsync(byte[] bytes);

    /// <summary>The version's bytes, or null before they are stored.</summary>
    [ReadOnly]
    Task<byte[]?> GetBytesAsync();
}

/// <summary>The kinds of tiny model.</summary>
public enum ModelKind
{
    /// <summary>The category of an error.</summary>
    ErrorClassifier,

    /// <summary>The probability that an action kind fixes an observation.</summary>
    FixPredictor,

    /// <summary>The probability that an action does harm in its context.</summary>
    RiskAssessor,
}

/// <summary>Where a version stands.</summary>
public enum ModelStatus
{
    /// <summary>Registered, never active.</summary>
    Candidate,

    /// <summary>The version in use.</summary>
    Active,

    /// <summary>Was active, replaced by a promotion or rolled back.</summary>
    Retired,
}

/// <summary>A model version offered to the registry.</summary>
[GenerateSerializer, Alias("HealingGrains.ModelRegistration")]
public sealed class ModelRegistration
{
    /// <summary>The model's bytes.</summary>
    [Id(0)] public required byte[] Bytes { get; init; }

    /// <summary>SHA-256 of the training data.</summary>
    [Id(1)] public required string TrainingDataHash { get; init; }

    /// <summary>SHA-256 of the held-out data the metrics were measured on; versions compare only on equal hashes.</summary>
    [Id(2)] public required string HeldOutDataHash { get; init; }

    /// <summary>The metric that decides promotions (macro-F1 for the classifier, Brier score for probabilities).</summary>
    [Id(3)] public required string Metric { get; init; }

    /// <summary>Whether a higher value of <see cref="Metric"/> is better (macro-F1) or a lower one (Brier score).</summary>
    [Id(4)] public bool HigherIsBetter { get; init; } = true;

    /// <summary>Every metric measured on the held-out data.</summary>
    [Id(5)] public required Dictionary<string, double> Metrics { get; init; }

    /// <summary>The version that was active when this one was measured, if any.</summary>
    [Id(6)] public int? BaselineVersion { get; init; }

    /// <summary>
    /// The baseline's deciding metric on this registration's held-out data: held-out data grows with the healing
    /// history, so a challenger is compared with the champion measured on the same data.
    /// </summary>
    [Id(7)] public double? BaselineMetric { get; init; }

    /// <summary>Where the model came from: <c>trained</c> by the host, or <c>uploaded</c>.</summary>
    [Id(8)] public string Origin { get; init; } = "trained";
}

/// <summary>A registered version, without its bytes.</summary>
[GenerateSerializer, Alias("HealingGrains.ModelVersionInfo")]
public sealed class ModelVersionInfo
{
    /// <summary>The kind.</summary>
    [Id(0)] public required ModelKind Kind { get; init; }

    /// <summary>1, 2, … in order of registration.</summary>
    [Id(1)] public required int Version { get; init; }

    /// <summary>The size of the model's bytes.</summary>
    [Id(2)] public required int SizeBytes { get; init; }

    /// <summary>SHA-256 of the training data.</summary>
    [Id(3)] public required string TrainingDataHash { get; init; }

    /// <summary>SHA-256 of the held-out data.</summary>
    [Id(4)] public required string HeldOutDataHash { get; init; }

    /// <summary>The deciding metric.</summary>
    [Id(5)] public required string Metric { get; init; }

    /// <summary>Whether higher is better for <see cref="Metric"/>.</summary>
    [Id(6)] public required bool HigherIsBetter { get; init; }

    /// <summary>The metrics.</summary>
    [Id(7)] public required Dictionary<string, double> Metrics { get; init; }

    /// <summary>Where it stands.</summary>
    [Id(8)] public ModelStatus Status { get; set; }

    /// <summary>When it was registered.</summary>
    [Id(9)] public required DateTimeOffset RegisteredAt { get; init; }

    /// <summary>The version that was active when this one was measured, if any.</summary>
    [Id(10)] public int? BaselineVersion { get; init; }

    /// <summary>That version's deciding metric on this one's held-out data.</summary>
    [Id(11)] public double? BaselineMetric { get; init; }

    /// <summary><c>trained</c> by the host, or <c>uploaded</c>.</summary>
    [Id(12)] public string Origin { get; init; } = "trained";

    /// <summary>The label used in evidence: <c>{Kind}/{Version}</c>.</summary>
    public string Label => $"{Kind}/{Version}";
}

/// <summary>The registry's answer: accepted with the version, or refused with the reason.</summary>
[GenerateSerializer, Alias("HealingGrains.ModelDecision")]
public sealed class ModelDecision
{
    /// <summary>Whether the request was carried out.</summary>
    [Id(0)] public required bool Accepted { get; init; }

    /// <summary>Why it was refused, in words that say what to do.</summary>
    [Id(1)] public string? Reason { get; init; }

    /// <summary>The version concerned.</summary>
    [Id(2)] public ModelVersionInfo? Version { get; init; }
}
