using System.Text.Json;

namespace HealingGrains.Silo.Api;

/// <summary>Body of <c>POST /api/v1/tenants</c>.</summary>
public sealed class CreateTenantRequest
{
    /// <summary>The tenant id: 1 to 63 lowercase letters, digits or hyphens.</summary>
    public string? Id { get; init; }

    /// <summary>The display name.</summary>
    public string? Name { get; init; }
}

/// <summary>Response of <c>POST /api/v1/tenants</c>: the keys are shown this once.</summary>
public sealed class TenantCreatedResponse
{
    /// <summary>The tenant id.</summary>
    public required string Id { get; init; }

    /// <summary>The display name.</summary>
    public required string Name { get; init; }

    /// <summary>The admin key.</summary>
    public required string AdminKey { get; init; }

    /// <summary>The ingest key.</summary>
    public required string IngestKey { get; init; }
}

/// <summary>Response of <c>POST /api/v1/keys/rotate</c>.</summary>
public sealed class KeysResponse
{
    /// <summary>The new admin key.</summary>
    public required string AdminKey { get; init; }

    /// <summary>The new ingest key.</summary>
    public required string IngestKey { get; init; }
}

/// <summary>Body of <c>PUT /api/v1/deployments/{deployment}</c>.</summary>
public sealed class DeploymentRequest
{
    /// <summary>The service it runs.</summary>
    public string? Service { get; init; }

    /// <summary>The environment.</summary>
    public string? Environment { get; init; }

    /// <summary>The action kinds its agent can run, e.g. <c>restart</c>, <c>scale-out</c>, <c>rollback-version</c>.</summary>
    public List<string?>? Capabilities { get; init; }
}

/// <summary>Body of <c>POST /api/v1/telemetry</c>.</summary>
public sealed class TelemetryRequest
{
    /// <summary>The registered deployment the events come from.</summary>
    public string? Deployment { get; set; }

    /// <summary>1 to 1,000 events.</summary>
    public List<TelemetryEventModel?>? Events { get; set; }
}

/// <summary>
/// One telemetry event as clients send it. Settable rather than init-only, here and in <see cref="TelemetryRequest"/>:
/// the JSON source generator builds an init-only type through its parameterized path, with an argument array and a
/// boxed timestamp per event (411 bytes read per event against 322; <c>IngestAllocationTests</c>).
/// </summary>
public sealed class TelemetryEventModel
{
    /// <summary><c>error</c> or <c>metric</c>.</summary>
    public string? Kind { get; set; }

    /// <summary>When it happened (ISO 8601); the receive time when absent.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>The reporting service.</summary>
    public string? Service { get; set; }

    /// <summary>The reporting service's version.</summary>
    public string? Version { get; set; }

    /// <summary>The error message (an error needs this or <see cref="ExceptionType"/>).</summary>
    public string? Message { get; set; }

    /// <summary>The exception type.</summary>
    public string? ExceptionType { get; set; }

    /// <summary>The stack trace.</summary>
    public string? StackTrace { get; set; }

    /// <summary>The metric name.</summary>
    public string? Name { get; set; }

    /// <summary>The metric value, finite.</summary>
    public double? Value { get; set; }

    /// <summary>Attributes; values are strings, numbers or booleans.</summary>
    public Dictionary<string, JsonElement>? Attributes { get; set; }
}

/// <summary>Response of <c>POST /api/v1/telemetry</c>.</summary>
public sealed class TelemetryAccepted
{
    /// <summary>How many events were accepted.</summary>
    public int Accepted { get; init; }
}

/// <summary>A fingerprint with what the platform recommends for it.</summary>
public sealed class FingerprintResponse
{
    /// <summary>The fingerprint id.</summary>
    public required string Id { get; init; }

    /// <summary>The template, variables as <c>&lt;*&gt;</c>.</summary>
    public required string Template { get; init; }

    /// <summary>The exception type, if any.</summary>
    public string? ExceptionType { get; init; }

    /// <summary>An example raw message.</summary>
    public required string SampleMessage { get; init; }

    /// <summary>All occurrences.</summary>
    public long Count { get; init; }

    /// <summary>Earliest occurrence; null before the first (a fingerprint just split off).</summary>
    public DateTimeOffset? FirstSeen { get; init; }

    /// <summary>Latest occurrence; null before the first.</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>Deployments it was seen on.</summary>
    public IReadOnlyList<string> Deployments { get; init; } = [];

    /// <summary><c>template</c> or <c>stack</c>: how the fingerprint was derived.</summary>
    public required string Source { get; init; }

    /// <summary>The latest service version it was seen on.</summary>
    public string? LastVersion { get; init; }

    /// <summary>Occurrences per minute over the last 24 hours (only minutes with occurrences); in the detail view only.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<MinuteCountResponse>? PerMinute { get; init; }

    /// <summary>Ranked fixes (best mean first) among its deployments' allowed capabilities, with credible bounds; detail view only.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RecommendationResponse>? Recommendations { get; init; }

    /// <summary>The fingerprint an admin merged this one into (its later events land there); null when not merged.</summary>
    public string? MergedInto { get; init; }

    /// <summary>The fingerprint this one was split off by an admin's template; null when it was not.</summary>
    public string? SplitFrom { get; init; }

    /// <summary>The fingerprints merged into this one.</summary>
    public IReadOnlyList<string> MergedFrom { get; init; } = [];

    /// <summary>The error's category (one of <c>ErrorCategory</c>'s names); null while unknown.</summary>
    public string? Category { get; init; }

    /// <summary>Who gave the category: a classifier version such as <c>ErrorClassifier/3</c>, or <c>admin:key</c> for a correction.</summary>
    public string? CategorySource { get; init; }
}

/// <summary>Body of <c>PUT /api/v1/fingerprints/{id}/category</c>.</summary>
public sealed class CategoryRequest
{
    /// <summary>One of the error categories, e.g. <c>Database</c>.</summary>
    public string? Category { get; init; }
}

/// <summary>Occurrences in one minute.</summary>
public sealed class MinuteCountResponse
{
    /// <summary>The minute's start.</summary>
    public DateTimeOffset Minute { get; init; }

    /// <summary>Occurrences.</summary>
    public long Count { get; init; }
}

/// <summary>One ranked candidate fix of a fingerprint.</summary>
public sealed class RecommendationResponse
{
    public required string Kind { get; init; }

    /// <summary>The posterior mean of the success probability.</summary>
    public double Mean { get; init; }

    /// <summary>The 5% lower credible bound: what auto-approval compares with the threshold.</summary>
    public double Confidence { get; init; }

    /// <summary>The 95% upper credible bound.</summary>
    public double Upper { get; init; }

    public double Successes { get; init; }

    public double Failures { get; init; }

    public required string Reasoning { get; init; }
}
