using System.Text.RegularExpressions;

namespace HealingGrains.Abstractions.Contracts;

/// <summary>What a valid policy is, for the API and the portal alike: every failing field with what it may be.</summary>
public static partial class PolicyRules
{
    /// <summary>The federation modes.</summary>
    public static readonly IReadOnlyList<string> FederationModes = ["none", "share", "consume", "both"];

    /// <summary>Each invalid field (camelCase, as in the contract) and what it may be; empty when the policy is valid.</summary>
    public static IReadOnlyDictionary<string, string> Check(PolicyInfo policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        Fraction(errors, "approvalThreshold", policy.ApprovalThreshold);
        Fraction(errors, "maxRisk", policy.MaxRisk);
        Fraction(errors, "autoDowngradeFloor", policy.AutoDowngradeFloor);
        Fraction(errors, "interventionThreshold", policy.InterventionThreshold);
        if (policy.MaxAutoActionsPerDeploymentPerHour is < 0 or > 10_000)
        {
            errors["maxAutoActionsPerDeploymentPerHour"] = "A whole number from 0 to 10000.";
        }

        if (policy.ApprovalTimeoutMinutes is < 1 or > 10_080)
        {
            errors["approvalTimeoutMinutes"] = "A whole number from 1 to 10080 (a week).";
        }

        if (!FederationModes.Contains(policy.Federation))
        {
            errors["federation"] = "One of none, share, consume, both.";
        }

        if (policy.AllowedKinds is { } kinds && (kinds.Count > 50 || kinds.Any(k => !ActionKind().IsMatch(k))))
        {
            errors["allowedKinds"] = "null for all of a deployment's capabilities, or a list of at most 50 action kinds (lowercase letters, digits, hyphens).";
        }

        if (policy.AutoDomains is { } domains && (domains.Count > 20 || domains.Any(d => !Enum.GetNames<HealingGrains.Core.Healing.ErrorCategory>().Contains(d))))
        {
            errors["autoDomains"] = $"null for every domain, or a list of error categories: {string.Join(", ", Enum.GetNames<HealingGrains.Core.Healing.ErrorCategory>())}.";
        }

        return errors;
    }

    private static void Fraction(Dictionary<string, string> errors, string field, double value)
    {
        if (!double.IsFinite(value) || value is < 0 or > 1)
        {
            errors[field] = "A number from 0 to 1.";
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ActionKind();
}
