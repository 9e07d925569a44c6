namespace HealingGrains.Abstractions.Contracts;

/// <summary>What a preventive action's verification found after the predicted time of failure.</summary>
[GenerateSerializer, Alias("HealingGrains.ActionVerification")]
public sealed class ActionVerification
{
    /// <summary>
    /// <c>prevented</c> (the action ran and the failure did not happen), <c>happened</c> (the failure happened anyway) or
    /// <c>not-happened</c> (the action did not run, or its outcome is not known, and the failure did not happen).
    /// </summary>
    [Id(0)] public required string Result { get; set; }

    /// <summary>Whether the predicted failure happened (the metric reached its limit, or errors surged).</summary>
    [Id(1)] public bool Happened { get; init; }

    /// <summary>The fact that decided, in words.</summary>
    [Id(2)] public required string Reason { get; init; }

    /// <summary>When the verification was made (the host's clock).</summary>
    [Id(3)] public DateTimeOffset VerifiedAt { get; init; }

    /// <summary>The metric's highest value in the watched time; null when no point arrived.</summary>
    [Id(4)] public double? Peak { get; init; }

    /// <summary>The deployment's errors per minute before the prediction and during the watched time.</summary>
    [Id(5)] public double ErrorRateBefore { get; init; }

    [Id(6)] public double ErrorRateDuring { get; init; }

    /// <summary>The watched time's end (the sender's clock): the expected failure time plus the grace.</summary>
    [Id(7)] public DateTimeOffset WatchedUntil { get; init; }

    /// <summary>The result for an action in <paramref name="state"/> given whether the failure <paramref name="happened"/>.</summary>
    public static string ResultOf(bool happened, ActionState state) =>
        happened ? "happened" : state == ActionState.Succeeded ? "prevented" : "not-happened";
}
