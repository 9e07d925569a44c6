using System.Security.Cryptography;
using System.Text;

namespace HealingGrains.Core.Fingerprinting;

/// <summary>
/// An admin's pattern that splits events off a fingerprint: white-space separated tokens, each either
/// <see cref="VariableMasker.Wildcard"/> (any one token) or a literal that must equal the event's masked token.
/// </summary>
public static class SplitPattern
{
    /// <summary>The longest pattern accepted, in characters.</summary>
    public const int MaxLength = 1000;

    /// <summary>The longest reason accepted for a grouping decision, in characters.</summary>
    public const int MaxReasonLength = 1000;

    /// <summary>What is wrong with <paramref name="template"/> as a pattern, or null when it is a valid one.</summary>
    public static string? Check(string? template)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            return "Required: the template whose events are split off, variables as <*>.";
        }

        if (template.Length > MaxLength)
        {
            return $"At most {MaxLength} characters.";
        }

        // A pattern of wildcards only matches every event of its length: that is not a split, it is a second name.
        return Tokens(template).All(t => t == VariableMasker.Wildcard)
            ? "At least one token must be literal text, not <*>."
            : null;
    }

    /// <summary>What is wrong with a decision's reason, or null when it is acceptable (it may be absent).</summary>
    public static string? CheckReason(string? reason) =>
        reason is { Length: > MaxReasonLength } ? $"At most {MaxReasonLength} characters." : null;

    /// <summary>The pattern's tokens joined by single spaces: how it is stored and compared.</summary>
    public static string Normalize(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return string.Join(' ', Tokens(template));
    }

    /// <summary>The white-space separated tokens of a pattern or of an event's masked text.</summary>
    public static string[] Tokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// Whether an event whose masked text has <paramref name="tokens"/> matches: as many tokens, and every pattern
    /// token is <see cref="VariableMasker.Wildcard"/> or equal (ordinal) to the event's token at its position.
    /// </summary>
    public static bool Matches(IReadOnlyList<string> pattern, IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(tokens);
        if (pattern.Count != tokens.Count)
        {
            return false;
        }

        for (var i = 0; i < pattern.Count; i++)
        {
            if (pattern[i] != VariableMasker.Wildcard && !string.Equals(pattern[i], tokens[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The id of the fingerprint split off <paramref name="source"/> by <paramref name="template"/>: the first 16
    /// lowercase hex digits of SHA-256 over <c>split\n{source}\n{normalised pattern}</c>. The same split always gets
    /// the same id.
    /// </summary>
    public static string IdFor(string source, string template)
    {
        ArgumentNullException.ThrowIfNull(source);
        var text = $"split\n{source}\n{Normalize(template)}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
