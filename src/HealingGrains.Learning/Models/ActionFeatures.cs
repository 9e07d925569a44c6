using System.Globalization;
using HealingGrains.Learning.Features;

namespace HealingGrains.Learning.Models;

/// <summary>
/// What is known about an action when it is proposed: the two outcome models read it. Nothing in it names a tenant,
/// a deployment or a host.
/// </summary>
public sealed record ActionFeatures
{
    /// <summary>The action kind.</summary>
    public required string Kind { get; init; }

    /// <summary>The error's category, when classified.</summary>
    public string? Category { get; init; }

    /// <summary>The error's exception type, when it has one.</summary>
    public string? ExceptionType { get; init; }

    /// <summary>Whether the error first appeared right after a new version.</summary>
    public bool FollowsVersion { get; init; }

    /// <summary>Minutes since the running version was deployed; null when no version is known.</summary>
    public double? DeploymentAgeMinutes { get; init; }

    /// <summary>Versions deployed in the 24 hours before the proposal (version churn).</summary>
    public int VersionsLast24Hours { get; init; }

    /// <summary>Minutes since the deployment's previous action; null when it had none.</summary>
    public double? MinutesSinceLastAction { get; init; }

    /// <summary>Whether the deployment is a production environment.</summary>
    public bool Production { get; init; }

    /// <summary>How much of the system the kind touches: instance, deployment, version or region.</summary>
    public string BlastRadius { get; init; } = "deployment";

    /// <summary>The error's recent rate per minute.</summary>
    public double ErrorRatePerMinute { get; init; }
}

/// <summary>One recorded outcome: the features at proposal time and what happened.</summary>
/// <param name="Id">The action's id (decides its side of the held-out split).</param>
/// <param name="Features">The features at proposal time.</param>
/// <param name="Succeeded">Whether the action fixed the error.</param>
/// <param name="Harmed">Whether it did harm: it failed, or the error rate afterwards was worse than before.</param>
public sealed record OutcomeExample(string Id, ActionFeatures Features, bool Succeeded, bool Harmed);

/// <summary>The hashed features of <see cref="ActionFeatures"/>, for the fix predictor and the risk assessor.</summary>
public static class ActionFeaturizer
{
    /// <summary>2¹² buckets.</summary>
    public const int Dimension = 1 << 12;

    /// <summary>The fix predictor's features: what kind of error meets what kind of fix.</summary>
    public static void ForFix(ActionFeatures f, FeatureVector vector)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(vector);
        var kind = Hash("kind", f.Kind);
        vector.Add(kind);
        vector.Add(Hash("category", f.Category ?? "none"));
        vector.Add(FeatureHash.Combine(kind, Hash("category", f.Category ?? "none")));
        vector.Add(FeatureHash.Combine(kind, Hash("exception", f.ExceptionType ?? "none")));
        vector.Add(FeatureHash.Combine(kind, Hash("follows", f.FollowsVersion ? "yes" : "no")));
        vector.Add(FeatureHash.Combine(kind, Hash("rate", RateBucket(f.ErrorRatePerMinute))));
    }

    /// <summary>The risk assessor's features: the kind in its context (deployment age, churn, last action, blast radius).</summary>
    public static void ForRisk(ActionFeatures f, FeatureVector vector)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(vector);
        var kind = Hash("kind", f.Kind);
        vector.Add(kind);
        foreach (var context in (ReadOnlySpan<uint>)[
            Hash("age", AgeBucket(f.DeploymentAgeMinutes)),
            Hash("churn", f.VersionsLast24Hours >= 3 ? "3+" : f.VersionsLast24Hours.ToString(CultureInfo.InvariantCulture)),
            Hash("since", SinceBucket(f.MinutesSinceLastAction)),
            Hash("blast", $"{f.BlastRadius}/{(f.Production ? "prod" : "non-prod")}"),
            Hash("follows", f.FollowsVersion ? "yes" : "no"),
        ])
        {
            vector.Add(context);
            vector.Add(FeatureHash.Combine(kind, context));
        }
    }

    private static uint Hash(string name, string value) => FeatureHash.Of($"{name}={value}", 11);

    private static string AgeBucket(double? minutes) => minutes switch
    {
        null => "unknown",
        < 10 => "<10m",
        < 60 => "<1h",
        < 360 => "<6h",
        < 1440 => "<1d",
        < 10080 => "<7d",
        _ => "older",
    };

    private static string SinceBucket(double? minutes) => minutes switch
    {
        null => "never",
        < 5 => "<5m",
        < 30 => "<30m",
        < 120 => "<2h",
        < 1440 => "<1d",
        _ => "older",
    };

    private static string RateBucket(double perMinute) => perMinute switch
    {
        < 1 => "<1",
        < 10 => "<10",
        < 100 => "<100",
        _ => "100+",
    };
}
