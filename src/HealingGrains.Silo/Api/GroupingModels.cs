namespace HealingGrains.Silo.Api;

/// <summary>Body of <c>POST /api/v1/fingerprints/{id}/merge</c>.</summary>
public sealed class MergeRequest
{
    /// <summary>The fingerprint of the same tenant that the merged one's events belong to.</summary>
    public string? Into { get; init; }

    /// <summary>Why (at most 1,000 characters); kept with the decision and in the audit log.</summary>
    public string? Reason { get; init; }
}

/// <summary>Body of <c>POST /api/v1/fingerprints/{id}/split</c>.</summary>
public sealed class SplitRequest
{
    /// <summary>
    /// The pattern, compared token by token with each event's masked text: <c>&lt;*&gt;</c> matches any one token, any
    /// other token must be equal. At most 1,000 characters, at least one token that is not <c>&lt;*&gt;</c>.
    /// </summary>
    public string? Template { get; init; }

    /// <summary>Why (at most 1,000 characters); kept with the decision and in the audit log.</summary>
    public string? Reason { get; init; }
}

/// <summary>Response of <c>GET /api/v1/fingerprints/grouping</c>: the tenant's merges and splits, oldest first.</summary>
public sealed class GroupingResponse
{
    /// <summary>The merges.</summary>
    public IReadOnlyList<MergeResponse> Merges { get; init; } = [];

    /// <summary>The splits, in the order they are tried.</summary>
    public IReadOnlyList<SplitResponse> Splits { get; init; } = [];
}

/// <summary>One merge decision.</summary>
public sealed class MergeResponse
{
    /// <summary>The merged fingerprint.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The fingerprint it was merged into.</summary>
    public required string Into { get; init; }

    /// <summary>Who decided (<c>admin:key</c>, <c>admin:&lt;portal user&gt;</c>).</summary>
    public required string By { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>Why.</summary>
    public string? Reason { get; init; }
}

/// <summary>One split decision.</summary>
public sealed class SplitResponse
{
    /// <summary>The fingerprint that was split.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The pattern, tokens joined by single spaces.</summary>
    public required string Template { get; init; }

    /// <summary>The fingerprint split off.</summary>
    public required string Into { get; init; }

    /// <summary>Who decided.</summary>
    public required string By { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>Why.</summary>
    public string? Reason { get; init; }
}
