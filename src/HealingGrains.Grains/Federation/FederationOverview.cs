using HealingGrains.Core.Federation;

namespace HealingGrains.Grains.Federation;

/// <summary>Federation across the shards: settings, public key, counts (no tenant information) and imported bundles.</summary>
public sealed record FederationOverview(
    string Issuer,
    string PublicKey,
    FederationOptions Options,
    int TrustedKeys,
    int Signatures,
    int Patterns,
    int VisiblePatterns,
    int Contributions,
    long Outcomes,
    IReadOnlyList<FederationImportSummary> Imports);
