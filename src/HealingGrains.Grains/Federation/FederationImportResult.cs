namespace HealingGrains.Grains.Federation;

/// <summary>What an import did: merged, or refused with a reason and its kind (<c>malformed</c>, <c>untrusted</c>, <c>signature</c>, <c>below-threshold</c>, <c>own</c>, <c>stale</c>).</summary>
public sealed record FederationImportResult(
    bool Imported, string? Reason, string? Problem, string? Issuer = null, string? IssuerKey = null, DateTimeOffset? ExportedAt = null, int Patterns = 0)
{
    /// <summary>A refusal.</summary>
    public static FederationImportResult Refused(string reason, string problem) => new(false, reason, problem);
}
