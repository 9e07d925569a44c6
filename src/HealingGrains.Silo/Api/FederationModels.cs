using HealingGrains.Grains.Federation;

namespace HealingGrains.Silo.Api;

/// <summary>What <c>GET /api/v1/federation</c> answers: this installation's settings and public key, counts across the shards (nothing that names a tenant), and imported bundles.</summary>
public sealed class FederationResponse
{
    /// <summary>This installation's name in its bundles.</summary>
    public required string Issuer { get; init; }

    /// <summary>The public key its bundles are signed with (base64 SubjectPublicKeyInfo): what another installation adds to its trusted keys.</summary>
    public required string PublicKey { get; init; }

    public int MinimumContributors { get; init; }

    public double Epsilon { get; init; }

    public int CapPerPeriod { get; init; }

    public TimeSpan Period { get; init; }

    public int CapPerContributor { get; init; }

    public double PriorCap { get; init; }

    /// <summary>How many keys' bundles may be imported.</summary>
    public int TrustedKeys { get; init; }

    /// <summary>Signatures with at least one contribution.</summary>
    public int Signatures { get; init; }

    /// <summary>(signature, action kind) pairs with at least one contribution.</summary>
    public int Patterns { get; init; }

    /// <summary>Patterns from at least <see cref="MinimumContributors"/> tenants: what other tenants see and what is exported.</summary>
    public int VisiblePatterns { get; init; }

    /// <summary>Contributions kept (one per tenant and pattern).</summary>
    public int Contributions { get; init; }

    /// <summary>Outcomes they stand for.</summary>
    public long Outcomes { get; init; }

    public IReadOnlyList<FederationImportResponse> Imports { get; init; } = [];

    public static FederationResponse From(FederationOverview o) => new()
    {
        Issuer = o.Issuer,
        PublicKey = o.PublicKey,
        MinimumContributors = o.Options.MinimumContributors,
        Epsilon = o.Options.Epsilon,
        CapPerPeriod = o.Options.CapPerPeriod,
        Period = o.Options.Period,
        CapPerContributor = o.Options.CapPerContributor,
        PriorCap = o.Options.PriorCap,
        TrustedKeys = o.TrustedKeys,
        Signatures = o.Signatures,
        Patterns = o.Patterns,
        VisiblePatterns = o.VisiblePatterns,
        Contributions = o.Contributions,
        Outcomes = o.Outcomes,
        Imports = [.. o.Imports.Select(i => new FederationImportResponse
        {
            IssuerKey = i.IssuerKey,
            Issuer = i.Issuer,
            ExportedAt = i.ExportedAt,
            ImportedAt = i.ImportedAt,
            Patterns = i.Patterns,
        })],
    };
}

/// <summary>An imported bundle: who signed it (the key's short name and the issuer's label), when, and its patterns.</summary>
public sealed class FederationImportResponse
{
    /// <summary>The first 16 hex digits of SHA-256 over the issuer's public key (base64).</summary>
    public required string IssuerKey { get; init; }

    public required string Issuer { get; init; }

    public DateTimeOffset ExportedAt { get; init; }

    public DateTimeOffset? ImportedAt { get; init; }

    public int Patterns { get; init; }
}
