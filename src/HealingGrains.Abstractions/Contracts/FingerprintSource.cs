namespace HealingGrains.Abstractions.Contracts;

/// <summary>How a fingerprint was derived.</summary>
[GenerateSerializer, Alias("HealingGrains.FingerprintSource")]
public enum FingerprintSource
{
    /// <summary>From the message's template cluster.</summary>
    Template = 0,

    /// <summary>From the exception type and the top in-app stack frames.</summary>
    Stack = 1,

    /// <summary>A failure predicted from a metric (one per metric name): what preventive actions of it learn.</summary>
    Prediction = 2,
}
