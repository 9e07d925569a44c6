using System.Security.Cryptography;
using System.Text;
using HealingGrains.Core.Federation;
using Microsoft.Extensions.Options;

namespace HealingGrains.Grains.Federation;

/// <summary>
/// Federation between installations and its overview: a signed bundle of this installation's visible patterns, the
/// verified import of another installation's bundle into the shards (apart per issuer), and counts across shards.
/// </summary>
public sealed class FederationExchange(IGrainFactory grains, FederationKeys keys, IOptions<FederationSettings> settings, TimeProvider time)
{
    /// <summary>How far ahead of this host's clock a bundle may be dated (a later one would block that issuer's next bundles).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromHours(1);

    /// <summary>This installation's visible patterns (imported ones are not passed on), signed.</summary>
    public async Task<FederationBundle> ExportAsync()
    {
        var slices = await Task.WhenAll(FederationKey.All.Select(s => grains.GetGrain<IFederationGrain>(s).ListVisibleAsync()));
        var patterns = slices.SelectMany(s => s).Select(p => new FederatedPattern(p.Signature, p.Kind, p.Contributors, p.Cases, p.SuccessRate)).ToList();
        using var key = ECDsa.Create();
        key.ImportFromPem(await keys.SigningKeyPemAsync());
        var configured = settings.Value;
        return FederationBundle.Sign(configured.Issuer, time.GetUtcNow(), configured.MinimumContributors, patterns, key);
    }

    /// <summary>
    /// Verifies a bundle (well-formed, signed by a trusted key that is not this installation's, unchanged, every pattern
    /// from at least this installation's threshold of organisations) and merges it: each shard replaces the issuer's
    /// patterns with the bundle's, unless it already holds a bundle of that issuer exported at the same time or later.
    /// </summary>
    public async Task<FederationImportResult> ImportAsync(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        FederationBundle bundle;
        try
        {
            bundle = FederationBundle.Parse(json);
        }
        catch (InvalidDataException ex)
        {
            return FederationImportResult.Refused("malformed", ex.Message);
        }

        if (Malformed(bundle) is { } malformed)
        {
            return FederationImportResult.Refused("malformed", malformed);
        }

        var configured = settings.Value;
        var publicKey = await keys.PublicKeyAsync();
        if (bundle.PublicKey == publicKey)
        {
            return FederationImportResult.Refused("own", "The bundle is this installation's own export: its patterns are already here.");
        }

        if (bundle.Check(configured.TrustedKeys.Select(k => k.Trim()), configured.MinimumContributors) is { } refusal)
        {
            return FederationImportResult.Refused(
                refusal.Kind switch
                {
                    BundleRefusal.Untrusted => "untrusted",
                    BundleRefusal.BelowThreshold => "below-threshold",
                    BundleRefusal.Format => "malformed",
                    _ => "signature",
                },
                refusal.Reason);
        }

        var now = time.GetUtcNow();
        if (bundle.ExportedAt > now + MaxClockSkew)
        {
            return FederationImportResult.Refused("malformed", $"The bundle is dated {bundle.ExportedAt:O}, more than an hour after this host's clock.");
        }

        var shards = bundle.Patterns.GroupBy(p => FederationKey.Shard(p.Signature)).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        if (shards.Values.FirstOrDefault(s => s.Count > FederationGrain.MaxImportedPatterns) is { } crowded)
        {
            return FederationImportResult.Refused("malformed", $"{crowded.Count} patterns fall into one shard; at most {FederationGrain.MaxImportedPatterns} are kept per shard.");
        }

        var issuerKey = IssuerKey(bundle.PublicKey);
        var results = await Task.WhenAll(FederationKey.All.Select(shard => grains.GetGrain<IFederationGrain>(shard).ImportAsync(new FederationImport
        {
            IssuerKey = issuerKey,
            Issuer = bundle.Issuer,
            ExportedAt = bundle.ExportedAt,
            ImportedAt = now,
            Patterns = [.. shards.GetValueOrDefault(shard, []).Select(p => new FederatedPatternInfo
            {
                Signature = p.Signature,
                Kind = p.Kind,
                Contributors = p.Contributors,
                Cases = p.Cases,
                SuccessRate = p.SuccessRate,
            })],
        })));
        return results.All(r => r < 0)
            ? FederationImportResult.Refused("stale", $"A bundle of this issuer ({issuerKey}) exported at {bundle.ExportedAt:O} or later was already imported.")
            : new FederationImportResult(true, null, null, bundle.Issuer, issuerKey, bundle.ExportedAt, results.Where(r => r > 0).Sum());
    }

    /// <summary>Counts across every shard, the imported bundles, and this installation's settings and public key.</summary>
    public async Task<FederationOverview> OverviewAsync()
    {
        var shards = await Task.WhenAll(FederationKey.All.Select(s => grains.GetGrain<IFederationGrain>(s).GetSummaryAsync()));
        var imports = shards.SelectMany(s => s.Imports)
            .GroupBy(i => i.IssuerKey, StringComparer.Ordinal)
            .Select(g =>
            {
                var newest = g.Max(i => i.ExportedAt);
                var current = g.Where(i => i.ExportedAt == newest).ToList();
                return new FederationImportSummary
                {
                    IssuerKey = g.Key,
                    Issuer = current[0].Issuer,
                    ExportedAt = newest,
                    ImportedAt = current.Max(i => i.ImportedAt),
                    Patterns = current.Sum(i => i.Patterns),
                };
            })
            .OrderBy(i => i.Issuer, StringComparer.Ordinal)
            .ToList();
        var configured = settings.Value;
        return new FederationOverview(
            configured.Issuer,
            await keys.PublicKeyAsync(),
            configured.ToOptions(),
            configured.TrustedKeys.Count,
            shards.Sum(s => s.Signatures),
            shards.Sum(s => s.Patterns),
            shards.Sum(s => s.VisiblePatterns),
            shards.Sum(s => s.Contributions),
            shards.Sum(s => s.Outcomes),
            imports);
    }

    /// <summary>The short name of an issuer's key: the first 16 hex digits of SHA-256 over its SubjectPublicKeyInfo (base64 text).</summary>
    public static string IssuerKey(string publicKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(publicKey)))[..16];

    private static string? Malformed(FederationBundle bundle)
    {
        // The deserializer leaves absent or null members null despite their annotations.
        if (string.IsNullOrWhiteSpace(bundle.Issuer) || bundle.Issuer.Length > 100 || bundle.Issuer.Any(char.IsControl))
        {
            return "issuer must be 1 to 100 printable characters.";
        }

        if (bundle.Patterns is null || string.IsNullOrEmpty(bundle.PublicKey) || string.IsNullOrEmpty(bundle.Signature))
        {
            return "patterns, publicKey and signature are required.";
        }

        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < bundle.Patterns.Count; i++)
        {
            var p = bundle.Patterns[i];
            if (p is null || !FederationKey.IsSignature(p.Signature))
            {
                return $"patterns[{i}].signature must be {FederationKey.SignatureLength} lowercase hex digits.";
            }

            if (!FederatedKinds.IsShared(p.Kind))
            {
                return $"patterns[{i}].kind must be one of {string.Join(", ", FederatedKinds.All)}.";
            }

            if (p.Contributors is < 1 or > 1_000_000 || !double.IsFinite(p.Cases) || p.Cases < 0 || p.Cases > p.Contributors * 1_000_000.0
                || !double.IsFinite(p.SuccessRate) || p.SuccessRate is < 0 or > 1)
            {
                return $"patterns[{i}] must have 1 to 1000000 contributors, cases from 0 and a success rate from 0 to 1.";
            }

            if (!seen.Add((p.Signature, p.Kind)))
            {
                return $"patterns[{i}] repeats {p.Signature}/{p.Kind}.";
            }
        }

        return null;
    }
}
