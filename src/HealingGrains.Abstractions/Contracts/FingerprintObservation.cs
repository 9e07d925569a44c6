namespace HealingGrains.Abstractions.Contracts;

/// <summary>The occurrences of one fingerprint within one diagnostics batch.</summary>
[GenerateSerializer, Immutable, Alias("HealingGrains.FingerprintObservation")]
public sealed class FingerprintObservation
{
    /// <summary>The deployment the occurrences came from.</summary>
    [Id(0)] public required string Deployment { get; init; }

    /// <summary>The fingerprint's current template, variables as <c>&lt;*&gt;</c>.</summary>
    [Id(1)] public required string Template { get; init; }

    /// <summary>The exception type, when the errors named one.</summary>
    [Id(2)] public string? ExceptionType { get; init; }

    /// <summary>One raw message, as an example.</summary>
    [Id(3)] public required string SampleMessage { get; init; }

    /// <summary>When each occurrence happened.</summary>
    [Id(4)] public IReadOnlyList<DateTimeOffset> OccurredAt { get; init; } = [];

    /// <summary>How the fingerprint was derived.</summary>
    [Id(5)] public FingerprintSource Source { get; init; }

    /// <summary>The reporting service's version, from the latest occurrence that named one.</summary>
    [Id(6)] public string? Version { get; init; }

    /// <summary>Whether every occurrence was redirected here by a merge: the fingerprint then keeps its own template.</summary>
    [Id(7)] public bool Redirected { get; init; }

    /// <summary>The fingerprint the occurrences were split off, when a split applied.</summary>
    [Id(8)] public string? SplitFrom { get; init; }

    /// <summary>The error classifier's category for these occurrences; null when no classifier was consulted.</summary>
    [Id(9)] public string? Category { get; init; }

    /// <summary>The classifier version that gave <see cref="Category"/> (<c>ErrorClassifier/3</c>).</summary>
    [Id(10)] public string? CategoryModel { get; init; }

    /// <summary>The ingested batch the occurrences came from; a fingerprint applies each batch once. Empty: no deduplication.</summary>
    [Id(11)] public Guid BatchId { get; init; }

    /// <summary>
    /// When the occurrences came from several ingested batches (a stream delivers what queued up together): each batch's
    /// id and how many of <see cref="OccurredAt"/>, in order, are its; the fingerprint applies each batch once. Empty:
    /// every occurrence is <see cref="BatchId"/>'s.
    /// </summary>
    [Id(12)] public IReadOnlyList<BatchPart> Parts { get; init; } = [];
}

/// <summary>The occurrences of one ingested batch within a <see cref="FingerprintObservation"/>.</summary>
[GenerateSerializer, Immutable, Alias("HealingGrains.BatchPart")]
public readonly record struct BatchPart([property: Id(0)] Guid BatchId, [property: Id(1)] int Count);
