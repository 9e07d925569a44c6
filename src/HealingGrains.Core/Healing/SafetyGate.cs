using System.Globalization;

namespace HealingGrains.Core.Healing;

/// <summary>What the gate decided about a proposal.</summary>
public enum GateVerdict
{
    /// <summary>Within every limit: approved without a human.</summary>
    AutoApprove,

    /// <summary>Allowed, but a human decides.</summary>
    RequireApproval,

    /// <summary>Not allowed at all: never proposed.</summary>
    Refuse,
}

/// <summary>The facts about one proposal and its deployment that the gate weighs.</summary>
public sealed record GateRequest
{
    public required string Kind { get; init; }

    /// <summary>The lower credible bound of the kind's success probability; 0 for rule-based proposals.</summary>
    public double Confidence { get; init; }

    public double Risk { get; init; }

    /// <summary>Where the risk came from (a risk-assessor version, or the kind's intrinsic risk).</summary>
    public string? RiskSource { get; init; }

    /// <summary>The error's category (healing domain), when classified.</summary>
    public string? Category { get; init; }

    public required IReadOnlyCollection<string> Capabilities { get; init; }

    /// <summary>Automatic actions on the deployment in the last hour.</summary>
    public int AutoActionsLastHour { get; init; }

    /// <summary>Outcomes of the deployment's recent automatic actions (successes, total).</summary>
    public int RecentAutoSuccesses { get; init; }

    public int RecentAutoTotal { get; init; }
}

/// <summary>The verdict and every reason for it, in words.</summary>
public sealed record GateDecision(GateVerdict Verdict, IReadOnlyList<string> Reasons);

/// <summary>The safety gate: the tenant's policy applied to one proposal. Pure; the grains supply the facts.</summary>
public static class SafetyGate
{
    /// <summary>How many recent automatic outcomes the downgrade looks at, and how many it needs before judging.</summary>
    public const int DowngradeWindow = 20;

    public const int DowngradeMinimum = 5;

    /// <summary>Whether the kind may be proposed at all on a deployment with these capabilities.</summary>
    public static bool IsAllowed(SafetyPolicy policy, IReadOnlyCollection<string> capabilities, string kind)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(capabilities);
        return capabilities.Contains(kind) && (policy.AllowedKinds is null || policy.AllowedKinds.Contains(kind));
    }

    /// <summary>Decides one proposal.</summary>
    public static GateDecision Decide(SafetyPolicy policy, GateRequest request)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Capabilities.Contains(request.Kind))
        {
            return new GateDecision(GateVerdict.Refuse, [$"The deployment cannot run {request.Kind}."]);
        }

        if (policy.AllowedKinds is not null && !policy.AllowedKinds.Contains(request.Kind))
        {
            return new GateDecision(GateVerdict.Refuse, [$"The policy does not allow {request.Kind}."]);
        }

        var reasons = new List<string>();
        if (!policy.AiEnabled)
        {
            reasons.Add("The fail-safe is on: rule-based proposal.");
        }

        if (request.Confidence < policy.ApprovalThreshold)
        {
            reasons.Add(Invariant($"Confidence {request.Confidence:F2} is below the approval threshold {policy.ApprovalThreshold:F2}."));
        }

        if (request.Risk > policy.MaxRisk)
        {
            reasons.Add(Invariant($"Risk {request.Risk:F2}{(request.RiskSource is null ? "" : $" ({request.RiskSource})")} is above the maximum {policy.MaxRisk:F2}."));
        }

        if (policy.AutoDomains is { } domains && (request.Category is null || !domains.Contains(request.Category)))
        {
            reasons.Add(request.Category is null
                ? "The error has no category, and the policy approves automatically only in the domains it lists."
                : $"The policy approves automatically only in {string.Join(", ", domains)}, not in {request.Category}.");
        }

        if (request.AutoActionsLastHour >= policy.MaxAutoActionsPerDeploymentPerHour)
        {
            reasons.Add($"The deployment had {request.AutoActionsLastHour} automatic actions in the last hour (limit {policy.MaxAutoActionsPerDeploymentPerHour}).");
        }

        if (request.RecentAutoTotal >= DowngradeMinimum
            && (double)request.RecentAutoSuccesses / request.RecentAutoTotal < policy.AutoDowngradeFloor)
        {
            reasons.Add(Invariant(
                $"Downgraded: {request.RecentAutoSuccesses} of the last {request.RecentAutoTotal} automatic actions succeeded, below the floor {policy.AutoDowngradeFloor:P0}."));
        }

        return reasons.Count == 0
            ? new GateDecision(GateVerdict.AutoApprove, [Invariant($"Confidence {request.Confidence:F2} and risk {request.Risk:F2} are within the policy.")])
            : new GateDecision(GateVerdict.RequireApproval, reasons);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
