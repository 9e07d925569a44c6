using System.Security.Cryptography;
using HealingGrains.Core.Federation;

namespace HealingGrains.Grains.Federation;

/// <summary>
/// Federation settings (configuration section <c>HealingGrains:Federation</c>). Tenants take part only when their
/// policy says so (<c>federation</c>: none, share, consume or both; a new tenant's is none).
/// </summary>
public sealed class FederationSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "HealingGrains:Federation";

    /// <summary>The shortest platform key accepted, in bytes.</summary>
    public const int MinKeyBytes = 16;

    /// <summary>
    /// The platform key (base64, at least 16 bytes) that signatures and contributor pseudonyms are HMACs with.
    /// Installations that exchange bundles must share it, or their signatures never match. Default: none; generated
    /// (32 random bytes) at first start and kept in the row store (<c>platform/federation</c>), so restarts and every silo
    /// of a cluster use the same one. Changing it orphans every pattern learned so far.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>The local differential-privacy budget per contribution: Laplace noise of scale 1 / ε on each count. Default 1.</summary>
    public double Epsilon { get; set; } = 1;

    /// <summary>The most outcomes one tenant contributes per signature and action kind in one period. Default 20.</summary>
    public int CapPerPeriod { get; set; } = 20;

    /// <summary>The period of <see cref="CapPerPeriod"/>. Default one day.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The most outcomes one tenant counts for in a pattern (older ones fade first). Default 100.</summary>
    public int CapPerContributor { get; set; } = 100;

    /// <summary>Distinct tenants (k) a pattern needs before anyone sees it, and that an imported pattern must have. Default 3.</summary>
    public int MinimumContributors { get; set; } = 3;

    /// <summary>The most pseudo-observations federated knowledge adds to one action kind in a proposal. Default 10.</summary>
    public double PriorCap { get; set; } = 10;

    /// <summary>This installation's name in the bundles it exports (a label; trust goes by key). Default <c>healinggrains</c>.</summary>
    public string Issuer { get; set; } = "healinggrains";

    /// <summary>
    /// The key bundles are signed with: an ECDSA P-256 private key, PKCS#8 PEM (<c>-----BEGIN PRIVATE KEY-----</c>).
    /// Default: none; generated at first start and kept in the row store beside the platform key.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// The public keys (SubjectPublicKeyInfo, base64, as <c>GET /api/v1/federation</c> shows them) whose bundles may be
    /// imported. Default: none (every import is refused).
    /// </summary>
    public List<string> TrustedKeys { get; set; } = [];

    /// <summary>The largest bundle accepted for import, in bytes. Default 8 MiB.</summary>
    public int MaxBundleBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>The arithmetic's options.</summary>
    public FederationOptions ToOptions() => new()
    {
        Epsilon = Epsilon,
        CapPerPeriod = CapPerPeriod,
        Period = Period,
        CapPerContributor = CapPerContributor,
        MinimumContributors = MinimumContributors,
        PriorCap = PriorCap,
    };

    /// <summary>The problems with these settings, each saying how to fix it; empty when valid. Never quotes a key.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Key is not null && (!TryBase64(Key, out var key) || key.Length < MinKeyBytes))
        {
            problems.Add($"{Section}:Key must be base64 of at least {MinKeyBytes} random bytes (e.g. `openssl rand -base64 32`), or be removed to have one generated.");
        }

        if (!double.IsFinite(Epsilon) || Epsilon is <= 0 or > 10)
        {
            problems.Add($"{Section}:Epsilon must be above 0 and at most 10 (default 1; smaller is more private and noisier).");
        }

        if (CapPerPeriod is < 1 or > 10_000)
        {
            problems.Add($"{Section}:CapPerPeriod must be from 1 to 10000 (default 20).");
        }

        if (Period < TimeSpan.FromMinutes(1) || Period > TimeSpan.FromDays(365))
        {
            problems.Add($"{Section}:Period must be from 00:01:00 to 365.00:00:00 (default 1.00:00:00).");
        }

        if (CapPerContributor < CapPerPeriod || CapPerContributor > 1_000_000)
        {
            problems.Add($"{Section}:CapPerContributor must be at least CapPerPeriod ({CapPerPeriod}) and at most 1000000 (default 100).");
        }

        if (MinimumContributors is < 2 or > 1000)
        {
            problems.Add($"{Section}:MinimumContributors must be from 2 to 1000 (default 3): with 1, a pattern would show a single tenant's outcomes.");
        }

        if (!double.IsFinite(PriorCap) || PriorCap is < 0 or > 1000)
        {
            problems.Add($"{Section}:PriorCap must be from 0 to 1000 (default 10; 0 shows federated evidence without letting it weigh).");
        }

        if (string.IsNullOrWhiteSpace(Issuer) || Issuer.Length > 100 || Issuer.Any(char.IsControl))
        {
            problems.Add($"{Section}:Issuer must be 1 to 100 printable characters (default healinggrains).");
        }

        if (SigningKey is not null && SigningKeyProblem(SigningKey) is { } signing)
        {
            problems.Add($"{Section}:SigningKey {signing}");
        }

        for (var i = 0; i < TrustedKeys.Count; i++)
        {
            if (PublicKeyProblem(TrustedKeys[i]) is { } trusted)
            {
                problems.Add($"{Section}:TrustedKeys:{i} {trusted}");
            }
        }

        if (MaxBundleBytes is < 1024 or > 256 * 1024 * 1024)
        {
            problems.Add($"{Section}:MaxBundleBytes must be from 1024 to 268435456 (default 8388608).");
        }

        return problems;
    }

    /// <summary>Why <paramref name="pem"/> is not an ECDSA P-256 private key in PEM, or null when it is.</summary>
    public static string? SigningKeyProblem(string pem)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            return IsP256(key) ? null : "must be an ECDSA key on the P-256 curve.";
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            return "must be an ECDSA P-256 private key in PKCS#8 PEM (`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`), or be removed to have one generated.";
        }
    }

    /// <summary>Why <paramref name="spki"/> is not a base64 SubjectPublicKeyInfo of an ECDSA P-256 key, or null when it is.</summary>
    public static string? PublicKeyProblem(string? spki)
    {
        if (spki is null || !TryBase64(spki, out var bytes))
        {
            return "must be a public key as base64 SubjectPublicKeyInfo (the publicKey another installation's GET /api/v1/federation shows).";
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(bytes, out _);
            return IsP256(key) ? null : "must be an ECDSA key on the P-256 curve.";
        }
        catch (CryptographicException)
        {
            return "must be a public key as base64 SubjectPublicKeyInfo (the publicKey another installation's GET /api/v1/federation shows).";
        }
    }

    internal static bool TryBase64(string text, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromBase64String(text.Trim());
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    private static bool IsP256(ECDsa key) => key.ExportParameters(false).Curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value;
}
