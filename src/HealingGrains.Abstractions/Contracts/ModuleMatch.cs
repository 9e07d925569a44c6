namespace HealingGrains.Abstractions.Contracts;

/// <summary>The situation a deployment asks the tenant's modules about: the error, the deployment and its latest metrics.</summary>
[GenerateSerializer, Alias("HealingGrains.ModuleQuery")]
public sealed class ModuleQuery
{
    /// <summary>The error's category, if known.</summary>
    [Id(0)] public string? Category { get; init; }

    [Id(1)] public string? ExceptionType { get; init; }

    /// <summary>The fingerprint's template.</summary>
    [Id(2)] public string? Template { get; init; }

    /// <summary>Whether the error first appeared right after a new version.</summary>
    [Id(3)] public bool FollowsVersion { get; init; }

    /// <summary>The deployment's name.</summary>
    [Id(4)] public string? Deployment { get; init; }

    /// <summary>The deployment's latest value of each metric.</summary>
    [Id(5)] public Dictionary<string, double> Metrics { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The kinds the deployment runs and the policy allows: a rule proposing another kind does not match.</summary>
    [Id(6)] public List<string> Allowed { get; init; } = [];
}

/// <summary>A rule of an installed (or the built-in) module that matched, and what it proposes.</summary>
[GenerateSerializer, Alias("HealingGrains.ModuleMatch")]
public sealed class ModuleMatch
{
    [Id(0)] public required string Module { get; init; }

    [Id(1)] public required string Version { get; init; }

    [Id(2)] public required string Rule { get; init; }

    [Id(3)] public required string Kind { get; init; }

    [Id(4)] public Dictionary<string, string> Parameters { get; init; } = new(StringComparer.Ordinal);

    /// <summary>0 to 1,000, higher first.</summary>
    [Id(5)] public int Priority { get; init; }

    /// <summary>Whether the rule is the platform's built-in module's (rather than one the tenant installed).</summary>
    [Id(6)] public bool BuiltIn { get; init; }

    /// <summary>"module version, rule id" for evidence and audit.</summary>
    public override string ToString() => $"{Module} {Version}, rule {Rule}";
}
