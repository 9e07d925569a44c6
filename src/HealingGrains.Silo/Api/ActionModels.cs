using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Silo.Api;

/// <summary>An action as the public contract shows it.</summary>
public sealed class ActionResponse
{
    public required string Id { get; init; }

    public required string Deployment { get; init; }

    public required string Fingerprint { get; init; }

    public required string Kind { get; init; }

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    public required string State { get; init; }

    /// <summary>The lower credible bound of the success probability that auto-approval compares with the threshold.</summary>
    public double Confidence { get; init; }

    public double Risk { get; init; }

    public required string Reasoning { get; init; }

    public required EvidenceResponse Evidence { get; init; }

    public RollbackResponse? Rollback { get; init; }

    public string? RollbackOf { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? Comment { get; init; }

    public OutcomeResponse? Outcome { get; init; }

    public static ActionResponse From(HealingActionInfo a) => new()
    {
        Id = a.Id,
        Deployment = a.Deployment,
        Fingerprint = a.Fingerprint,
        Kind = a.Kind,
        Parameters = a.Parameters,
        State = a.State.ToString(),
        Confidence = Math.Round(a.Confidence, 4),
        Risk = a.Risk,
        Reasoning = a.Reasoning,
        Evidence = new EvidenceResponse
        {
            Fingerprint = new CountsResponse { Successes = Math.Round(a.Evidence.OwnSuccesses, 2), Failures = Math.Round(a.Evidence.OwnFailures, 2) },
            Similar = new SimilarResponse
            {
                Successes = Math.Round(a.Evidence.SimilarSuccesses, 2),
                Failures = Math.Round(a.Evidence.SimilarFailures, 2),
                Fingerprints = a.Evidence.SimilarFingerprints,
            },
            Correlation = a.Evidence.FollowsVersion is null ? null : new CorrelationResponse
            {
                FollowsVersion = a.Evidence.FollowsVersion,
                PseudoSuccesses = a.Evidence.CorrelationSuccesses,
            },
            Posterior = new PosteriorResponse { Alpha = Math.Round(a.Evidence.Alpha, 3), Beta = Math.Round(a.Evidence.Beta, 3), Mean = Math.Round(a.Evidence.Mean, 4) },
            Models = a.Evidence.Models,
            Gate = a.Evidence.Gate,
            PolicyVersion = a.Evidence.PolicyVersion,
        },
        Rollback = a.RollbackKind is null ? null : new RollbackResponse { Kind = a.RollbackKind },
        RollbackOf = a.RollbackOf,
        CreatedAt = a.CreatedAt,
        UpdatedAt = a.UpdatedAt,
        ExpiresAt = a.State == ActionState.PendingApproval ? a.ExpiresAt : null,
        DecidedBy = a.DecidedBy,
        DecidedAt = a.DecidedAt,
        Comment = a.Comment,
        Outcome = a.Outcome is null ? null : new OutcomeResponse { Succeeded = a.Outcome.Succeeded, Detail = a.Outcome.Detail, ReportedAt = a.Outcome.ReportedAt },
    };
}

public sealed class EvidenceResponse
{
    public required CountsResponse Fingerprint { get; init; }

    public required SimilarResponse Similar { get; init; }

    public CorrelationResponse? Correlation { get; init; }

    /// <summary>Cross-tenant priors; none until federation exists.</summary>
    public CountsResponse? Federated { get; init; }

    public required PosteriorResponse Posterior { get; init; }

    public IReadOnlyDictionary<string, string> Models { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Gate { get; init; } = [];

    public int PolicyVersion { get; init; }
}

public sealed class CountsResponse
{
    public double Successes { get; init; }

    public double Failures { get; init; }
}

public sealed class SimilarResponse
{
    public double Successes { get; init; }

    public double Failures { get; init; }

    public int Fingerprints { get; init; }
}

public sealed class CorrelationResponse
{
    public required string FollowsVersion { get; init; }

    public double PseudoSuccesses { get; init; }
}

public sealed class PosteriorResponse
{
    public double Alpha { get; init; }

    public double Beta { get; init; }

    public double Mean { get; init; }
}

public sealed class RollbackResponse
{
    public required string Kind { get; init; }
}

public sealed class OutcomeResponse
{
    public bool Succeeded { get; init; }

    public string? Detail { get; init; }

    public DateTimeOffset ReportedAt { get; init; }
}

/// <summary>Body of approve and reject.</summary>
public sealed class DecisionRequest
{
    public string? Comment { get; init; }
}

/// <summary>Body of <c>POST /api/v1/actions/{id}/outcome</c>.</summary>
public sealed class OutcomeRequest
{
    public bool? Succeeded { get; init; }

    public string? Detail { get; init; }
}

/// <summary>Body of <c>POST /api/v1/deployments/{deployment}/versions</c>.</summary>
public sealed class VersionRequest
{
    public string? Version { get; init; }

    public string? Commit { get; init; }

    public DateTimeOffset? DeployedAt { get; init; }
}

/// <summary>What <c>GET /api/v1/audit/verify</c> answers.</summary>
public sealed class AuditVerifyResponse
{
    public bool Valid { get; init; }

    public long Records { get; init; }

    public long? FirstInvalidSequence { get; init; }

    public string? Problem { get; init; }
}
