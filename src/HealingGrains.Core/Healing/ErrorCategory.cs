namespace HealingGrains.Core.Healing;

/// <summary>
/// The healing domains an error is classified into; each suggests where a fix is found. The names are the contract's
/// (policy <c>autoDomains</c>, a fingerprint's <c>category</c>).
/// </summary>
public enum ErrorCategory
{
    /// <summary>The database refused, lost or deadlocked a query or a connection.</summary>
    Database,

    /// <summary>Connections could not be made or were broken: DNS, refused, reset, TLS handshakes.</summary>
    Network,

    /// <summary>The process ran out of memory, handles, threads or file descriptors.</summary>
    MemoryAndResources,

    /// <summary>Disks, volumes and object stores: full, read-only, missing, corrupt.</summary>
    Storage,

    /// <summary>A setting is missing, malformed or contradictory.</summary>
    Configuration,

    /// <summary>A downstream service or third-party API answered with an error.</summary>
    Dependency,

    /// <summary>Credentials, tokens and permissions: expired, invalid, forbidden.</summary>
    Authentication,

    /// <summary>An operation took too long: timeouts, slow responses, cancelled waits.</summary>
    TimeoutAndLatency,

    /// <summary>A bug in the tenant's own code: null references, bad casts, broken invariants.</summary>
    CodeDefect,

    /// <summary>A rollout went wrong: failed probes, crash loops after a release, image pulls, migrations.</summary>
    Deployment,

    /// <summary>Demand exceeds what is provisioned: throttling, queue backlogs, pools exhausted, quotas.</summary>
    Capacity,
}
