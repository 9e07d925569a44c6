namespace HealingGrains.Abstractions.Contracts;

/// <summary>What a telemetry event reports.</summary>
[GenerateSerializer, Alias("HealingGrains.DiagnosticEventKind")]
public enum DiagnosticEventKind
{
    /// <summary>An error: a message and/or an exception type, maybe a stack trace.</summary>
    Error = 0,

    /// <summary>A metric point: a name and a finite value.</summary>
    Metric = 1,
}
