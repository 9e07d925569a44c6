using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealingGrains.Core.Federation;

/// <summary>One visible pattern: an action kind on an anonymous signature, as federation estimates it.</summary>
/// <param name="Signature">The anonymous signature (<see cref="FederationSignature.Of"/>).</param>
/// <param name="Kind">The action kind, without parameters.</param>
/// <param name="Contributors">Distinct tenants behind it (at least the exporter's threshold).</param>
/// <param name="Cases">Outcomes behind it, each tenant's capped.</param>
/// <param name="SuccessRate">The robust success estimate.</param>
public sealed record FederatedPattern(string Signature, string Kind, int Contributors, double Cases, double SuccessRate);

/// <summary>
/// Visible patterns of one installation, signed with its ECDSA P-256 key so that another installation can check where
/// they come from before merging them. The signature covers every other field, serialised canonically.
/// </summary>
public sealed record FederationBundle
{
    /// <summary>The bundle format.</summary>
    public const int CurrentFormat = 1;

    /// <summary>The format.</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>The exporting installation's name (free text chosen by its operator).</summary>
    public required string Issuer { get; init; }

    /// <summary>When it was exported.</summary>
    public required DateTimeOffset ExportedAt { get; init; }

    /// <summary>The exporter's visibility threshold (distinct tenants per pattern).</summary>
    public required int MinimumContributors { get; init; }

    /// <summary>The patterns.</summary>
    public required IReadOnlyList<FederatedPattern> Patterns { get; init; }

    /// <summary>The exporter's public key (SubjectPublicKeyInfo, base64).</summary>
    public required string PublicKey { get; init; }

    /// <summary>ECDSA P-256 / SHA-256 signature (IEEE P1363, base64) over the other fields.</summary>
    public string Signature { get; init; } = "";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>Signs patterns with <paramref name="key"/>.</summary>
    public static FederationBundle Sign(string issuer, DateTimeOffset exportedAt, int minimumContributors, IReadOnlyList<FederatedPattern> patterns, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var unsigned = new FederationBundle
        {
            Issuer = issuer,
            ExportedAt = exportedAt,
            MinimumContributors = minimumContributors,
            Patterns = [.. patterns.OrderBy(p => p.Signature, StringComparer.Ordinal).ThenBy(p => p.Kind, StringComparer.Ordinal)],
            PublicKey = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()),
        };
        return unsigned with { Signature = Convert.ToBase64String(key.SignData(unsigned.SignedBytes(), HashAlgorithmName.SHA256)) };
    }

    /// <summary>The bundle as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a bundle; <see cref="InvalidDataException"/> says why the text is not one.</summary>
    public static FederationBundle Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<FederationBundle>(json, Json) ?? throw new InvalidDataException("The bundle is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Not a federation bundle: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Why the bundle must not be merged, or null when it may: an unknown format, a key not among
    /// <paramref name="trustedKeys"/> (base64 SubjectPublicKeyInfo), a signature that does not verify, or a pattern
    /// below <paramref name="minimumContributors"/> tenants.
    /// </summary>
    public string? Refusal(IEnumerable<string> trustedKeys, int minimumContributors) => Check(trustedKeys, minimumContributors)?.Reason;

    /// <summary>
    /// Like <see cref="Refusal"/>, with what kind of refusal it is: <see cref="BundleRefusal.Format"/>,
    /// <see cref="BundleRefusal.Untrusted"/>, <see cref="BundleRefusal.Signature"/> or <see cref="BundleRefusal.BelowThreshold"/>.
    /// </summary>
    public (BundleRefusal Kind, string Reason)? Check(IEnumerable<string> trustedKeys, int minimumContributors)
    {
        ArgumentNullException.ThrowIfNull(trustedKeys);
        if (Format != CurrentFormat)
        {
            return (BundleRefusal.Format, $"Bundle format {Format} is not {CurrentFormat}.");
        }

        if (!trustedKeys.Contains(PublicKey, StringComparer.Ordinal))
        {
            return (BundleRefusal.Untrusted, "The bundle is signed by a key this installation does not trust (HealingGrains:Federation:TrustedKeys).");
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(PublicKey), out _);
            if (!key.VerifyData(SignedBytes(), Convert.FromBase64String(Signature), HashAlgorithmName.SHA256))
            {
                return (BundleRefusal.Signature, "The bundle's signature does not verify: it was changed after signing.");
            }
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return (BundleRefusal.Signature, $"The bundle's key or signature is malformed: {ex.Message}");
        }

        var below = Patterns.FirstOrDefault(p => p.Contributors < minimumContributors);
        return below is null
            ? null
            : (BundleRefusal.BelowThreshold, $"Pattern {below.Signature}/{below.Kind} has {below.Contributors} contributors; this installation requires {minimumContributors}.");
    }

    private byte[] SignedBytes() => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this with { Signature = "" }, Json));
}
