using System.Security.Cryptography;
using System.Text;

namespace HealingGrains.Core.Security;

/// <summary>
/// Issues and hashes API keys. A tenant key reads <c>hg_&lt;tenant&gt;_&lt;secret&gt;</c>: the tenant part routes the
/// check to the one tenant that can hold the key, the secret is 256 random bits.
/// </summary>
/// <remarks>
/// Keys are stored as SHA-256 hashes. A slow password hash would add nothing here: with 256 bits of entropy a key
/// cannot be guessed from its hash, and a fast hash keeps authentication off the request's critical path.
/// </remarks>
public static class ApiKeys
{
    private const string Prefix = "hg_";
    private const int SecretBytes = 32;

    /// <summary>A new key for a tenant.</summary>
    public static string NewTenantKey(string tenantId) => $"{Prefix}{tenantId}_{NewSecret()}";

    /// <summary>A new key that belongs to no tenant (the operator's).</summary>
    public static string NewOperatorKey() => $"{Prefix}op_{NewSecret()}";

    /// <summary>The tenant part of a tenant key, or null when the text does not have a tenant key's shape.</summary>
    public static string? TryGetTenantId(string key)
    {
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = key.IndexOf('_', Prefix.Length);
        return end <= Prefix.Length || end == key.Length - 1 ? null : key[Prefix.Length..end];
    }

    /// <summary>SHA-256 of the key, lowercase hex.</summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);

        // On the stack: every API request hashes its key.
        var length = Encoding.UTF8.GetByteCount(key);
        var bytes = length <= 1024 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(key, bytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Compares two hashes in constant time.</summary>
    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    private static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes)).TrimEnd('=').Replace('+', '-').Replace('/', '-');
}
