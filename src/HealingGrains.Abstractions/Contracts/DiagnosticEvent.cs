namespace HealingGrains.Abstractions.Contracts;

/// <summary>One validated telemetry event as it travels on the diagnostics stream.</summary>
[GenerateSerializer, Alias("HealingGrains.DiagnosticEvent")]
public sealed class DiagnosticEvent
{
    /// <summary>Error or metric.</summary>
    [Id(0)] public DiagnosticEventKind Kind { get; init; }

    /// <summary>When it happened, as reported by the sender (receive time when it sent none).</summary>
    [Id(1)] public DateTimeOffset Timestamp { get; init; }

    /// <summary>The reporting service.</summary>
    [Id(2)] public string? Service { get; init; }

    /// <summary>The reporting service's version.</summary>
    [Id(3)] public string? Version { get; init; }

    /// <summary>The error message.</summary>
    [Id(4)] public string? Message { get; init; }

    /// <summary>The exception's type name.</summary>
    [Id(5)] public string? ExceptionType { get; init; }

    /// <summary>The stack trace, in any supported runtime's format.</summary>
    [Id(6)] public string? StackTrace { get; init; }

    /// <summary>The metric's name.</summary>
    [Id(7)] public string? Name { get; init; }

    /// <summary>The metric's value.</summary>
    [Id(8)] public double Value { get; init; }

    /// <summary>Free-form attributes (host, region, …), values as strings.</summary>
    [Id(9)] public IReadOnlyDictionary<string, string>? Attributes { get; init; }
}
