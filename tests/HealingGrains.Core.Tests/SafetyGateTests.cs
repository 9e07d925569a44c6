using HealingGrains.Core.Healing;

namespace HealingGrains.Core.Tests;

public sealed class SafetyGateTests
{
    private static readonly string[] Capabilities = ["restart", "scale-out", "rollback-version"];

    private static readonly SafetyPolicy Open = new() { ApprovalThreshold = 0.5, MaxRisk = 0.3 };

    private static GateRequest Request(string kind = "restart", double confidence = 0.8, double risk = 0.1) => new()
    {
        Kind = kind,
        Confidence = confidence,
        Risk = risk,
        Capabilities = Capabilities,
    };

    [Fact]
    public void ANewTenantsPolicyRequiresApprovalForEverything() =>
        Assert.Equal(GateVerdict.RequireApproval, SafetyGate.Decide(new SafetyPolicy(), Request(confidence: 0.99)).Verdict);

    [Fact]
    public void WithinEveryLimitIsApprovedAutomatically() =>
        Assert.Equal(GateVerdict.AutoApprove, SafetyGate.Decide(Open, Request()).Verdict);

    [Fact]
    public void ZeroThresholdMeansNothingWaitsForAHuman() =>
        Assert.Equal(GateVerdict.AutoApprove, SafetyGate.Decide(Open with { ApprovalThreshold = 0 }, Request(confidence: 0)).Verdict);

    [Fact]
    public void ConfidenceBelowTheThresholdNeedsApproval()
    {
        var decision = SafetyGate.Decide(Open, Request(confidence: 0.49));

        Assert.Equal(GateVerdict.RequireApproval, decision.Verdict);
        Assert.Contains(decision.Reasons, r => r.Contains("below the approval threshold", StringComparison.Ordinal));
    }

    [Fact]
    public void RiskAboveTheMaximumNeedsApproval() =>
        Assert.Equal(GateVerdict.RequireApproval, SafetyGate.Decide(Open, Request(risk: 0.31)).Verdict);

    [Fact]
    public void AKindTheDeploymentCannotRunIsRefused() =>
        Assert.Equal(GateVerdict.Refuse, SafetyGate.Decide(Open, Request(kind: "failover")).Verdict);

    [Fact]
    public void AKindThePolicyDoesNotAllowIsRefused()
    {
        var policy = Open with { AllowedKinds = ["scale-out"] };

        Assert.Equal(GateVerdict.Refuse, SafetyGate.Decide(policy, Request()).Verdict);
        Assert.False(SafetyGate.IsAllowed(policy, Capabilities, "restart"));
        Assert.True(SafetyGate.IsAllowed(policy, Capabilities, "scale-out"));
    }

    [Fact]
    public void TheRateLimitOfAutomaticActionsNeedsApproval() =>
        Assert.Equal(GateVerdict.RequireApproval, SafetyGate.Decide(Open, Request() with { AutoActionsLastHour = 6 }).Verdict);

    [Fact]
    public void TheFailSafeNeedsApprovalUnlessTheThresholdIsZero()
    {
        var failSafe = Open with { AiEnabled = false };

        Assert.Equal(GateVerdict.RequireApproval, SafetyGate.Decide(failSafe, Request(confidence: 0)).Verdict);
        Assert.Contains("fail-safe", SafetyGate.Decide(failSafe, Request()).Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ALowRecentAutomaticSuccessRateDowngradesToApproval()
    {
        var decision = SafetyGate.Decide(Open, Request() with { RecentAutoSuccesses = 2, RecentAutoTotal = 6 });

        Assert.Equal(GateVerdict.RequireApproval, decision.Verdict);
        Assert.Contains(decision.Reasons, r => r.StartsWith("Downgraded", StringComparison.Ordinal));
    }

    [Fact]
    public void TooFewRecentOutcomesDoNotDowngrade() =>
        Assert.Equal(GateVerdict.AutoApprove, SafetyGate.Decide(Open, Request() with { RecentAutoSuccesses = 0, RecentAutoTotal = 4 }).Verdict);

    [Fact]
    public void RulesRollBackAfterANewVersionElseRestart()
    {
        Assert.Equal("rollback-version", RuleBook.Choose(Capabilities, "1.4.3")!.Value.Kind);
        Assert.Equal("restart", RuleBook.Choose(Capabilities, null)!.Value.Kind);
        Assert.Null(RuleBook.Choose([], null));
    }

    [Fact]
    public void OutsideThePolicysAutoDomainsOrUncategorisedAnErrorWaitsForAHuman()
    {
        var domains = Open with { AutoDomains = ["Capacity", "MemoryAndResources"] };

        Assert.Equal(GateVerdict.AutoApprove, SafetyGate.Decide(domains, Request() with { Category = "Capacity" }).Verdict);
        var outside = SafetyGate.Decide(domains, Request() with { Category = "Database" });
        Assert.Equal(GateVerdict.RequireApproval, outside.Verdict);
        Assert.Contains(outside.Reasons, r => r.Contains("not in Database", StringComparison.Ordinal));
        Assert.Equal(GateVerdict.RequireApproval, SafetyGate.Decide(domains, Request()).Verdict);
        Assert.Equal(GateVerdict.AutoApprove, SafetyGate.Decide(Open, Request() with { Category = "Database" }).Verdict);
    }

    [Fact]
    public void TheRiskReasonNamesWhereTheRiskCameFrom()
    {
        var decision = SafetyGate.Decide(Open, Request(risk: 0.72) with { RiskSource = "RiskAssessor/4" });

        Assert.Equal(GateVerdict.RequireApproval, decision.Verdict);
        Assert.Contains("Risk 0.72 (RiskAssessor/4) is above the maximum 0.30.", decision.Reasons);
    }
}
