namespace HealingGrains.Abstractions.Keys;

/// <summary>
/// The key of <c>FederationGrain</c>: the shard of the anonymous signature space, the signature's first two hex digits
/// (<c>00</c> … <c>ff</c>, 256 shards).
/// </summary>
public static class FederationKey
{
    /// <summary>Hex digits in a signature.</summary>
    public const int SignatureLength = 32;

    /// <summary>Hex digits in a contributor's pseudonym.</summary>
    public const int ContributorLength = 24;

    /// <summary>Every shard, in order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. Enumerable.Range(0, 256).Select(i => i.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>The shard that holds <paramref name="signature"/>.</summary>
    public static string Shard(string signature)
    {
        if (!IsSignature(signature))
        {
            throw new ArgumentException($"A federation signature is {SignatureLength} lowercase hex digits.", nameof(signature));
        }

        return signature[..2];
    }

    /// <summary>Whether <paramref name="value"/> is a signature: 32 lowercase hex digits.</summary>
    public static bool IsSignature(string? value) => IsHex(value, SignatureLength);

    /// <summary>Whether <paramref name="value"/> is a contributor's pseudonym: 24 lowercase hex digits.</summary>
    public static bool IsContributor(string? value) => IsHex(value, ContributorLength);

    private static bool IsHex(string? value, int length) =>
        value is not null && value.Length == length && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
