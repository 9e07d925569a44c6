namespace HealingGrains.Core.Prediction;

/// <summary>Metric windows and predictive healing (configuration section <c>HealingGrains:Prediction</c>).</summary>
public sealed class PredictionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "HealingGrains:Prediction";

    /// <summary>Points kept per metric (the newest). Default 512.</summary>
    public int WindowPoints { get; set; } = 512;

    /// <summary>Metric names kept per deployment; a new name past the cap is ignored unless a name silent for a day can make room. Default 200.</summary>
    public int MaxMetricNames { get; set; } = 200;

    /// <summary>How far ahead a saturation metric's trend is followed to its limit. Default 30 minutes.</summary>
    public TimeSpan Horizon { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long after the predicted time of failure the verification waits before judging. Default 10 minutes.</summary>
    public TimeSpan VerificationGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often an active deployment with a pending verification looks whether one is due. Default 1 minute.</summary>
    public TimeSpan VerificationInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Points each metric's anomaly detector learns before it gives probabilities. Default 150 (the detector's own default).</summary>
    public int DetectorWarmup { get; set; } = 150;

    /// <summary>Points stamped further ahead of the host's clock than this are refused (a sender's clock running ahead). Default 5 minutes.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The problems with these settings, each saying how to fix it; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (WindowPoints is < 16 or > 4096)
        {
            problems.Add($"{Section}:WindowPoints must be from 16 to 4096 (now {WindowPoints}).");
        }

        if (MaxMetricNames is < 1 or > 1000)
        {
            problems.Add($"{Section}:MaxMetricNames must be from 1 to 1000 (now {MaxMetricNames}).");
        }

        if ((long)WindowPoints * MaxMetricNames * 16 > 1_800_000)
        {
            problems.Add($"{Section}:WindowPoints × MaxMetricNames × 16 bytes must stay under 1.8 MB, the grain state's limit (now {WindowPoints} × {MaxMetricNames}).");
        }

        if (Horizon <= TimeSpan.Zero || Horizon > TimeSpan.FromDays(7))
        {
            problems.Add($"{Section}:Horizon must be a positive time span of at most 7 days, such as 00:30:00.");
        }

        if (VerificationGrace < TimeSpan.Zero || VerificationGrace > TimeSpan.FromDays(1))
        {
            problems.Add($"{Section}:VerificationGrace must be from 00:00:00 to 1.00:00:00.");
        }

        if (VerificationInterval < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{Section}:VerificationInterval must be at least 00:00:01.");
        }

        if (DetectorWarmup < 2)
        {
            problems.Add($"{Section}:DetectorWarmup must be at least 2.");
        }

        if (MaxClockSkew < TimeSpan.Zero)
        {
            problems.Add($"{Section}:MaxClockSkew must not be negative.");
        }

        return problems;
    }
}
