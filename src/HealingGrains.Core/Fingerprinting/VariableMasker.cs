using System.Text.RegularExpressions;

namespace HealingGrains.Core.Fingerprinting;

/// <summary>
/// Replaces the variable parts of a message with <see cref="Wildcard"/>: GUIDs, URLs, e-mails, timestamps, IPs (with
/// ports), paths (with query strings), quoted single words, hexadecimal and decimal numbers. One universal rule set,
/// applied most specific first so that, say, an IP is one variable rather than four numbers.
/// </summary>
public static partial class VariableMasker
{
    /// <summary>The placeholder for a variable.</summary>
    public const string Wildcard = "<*>";

    /// <summary>Masks the variables of <paramref name="message"/>; consecutive variables collapse into one.</summary>
    public static string Mask(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var s = message;

        // Each pattern needs a character that most messages lack; checking for it first skips the regex entirely.
        var colon = s.Contains(':', StringComparison.Ordinal);
        if (s.Contains('-', StringComparison.Ordinal))
        {
            s = Guid().Replace(s, Wildcard);
        }

        if (colon && s.Contains("://", StringComparison.Ordinal))
        {
            s = Url().Replace(s, Wildcard);
        }

        if (s.Contains('@', StringComparison.Ordinal))
        {
            s = Email().Replace(s, Wildcard);
        }

        if (colon)
        {
            s = IsoTimestamp().Replace(s, Wildcard);
            s = ClockTime().Replace(s, Wildcard);
        }

        if (s.Contains('.', StringComparison.Ordinal))
        {
            s = Ipv4().Replace(s, Wildcard);
        }

        if (colon)
        {
            s = Ipv6().Replace(s, Wildcard);
        }

        if (s.AsSpan().IndexOfAny('/', '\\') >= 0)
        {
            s = Path().Replace(s, Wildcard);
        }

        if (s.AsSpan().IndexOfAny('"', '\'') >= 0)
        {
            s = QuotedWord().Replace(s, Wildcard);
        }

        if (s.Contains("0x", StringComparison.OrdinalIgnoreCase))
        {
            s = HexLiteral().Replace(s, Wildcard);
        }

        if (s.AsSpan().IndexOfAnyInRange('0', '9') < 0)
        {
            return s.Contains("-<*>", StringComparison.Ordinal) || s.Contains("<*><*>", StringComparison.Ordinal)
                ? RepeatedWildcards().Replace(SignedWildcard().Replace(s, Wildcard), Wildcard)
                : s;
        }

        s = DottedNumber().Replace(s, Wildcard);
        s = HexWord().Replace(s, Wildcard);
        s = Number().Replace(s, Wildcard);
        s = SignedWildcard().Replace(s, Wildcard);
        return RepeatedWildcards().Replace(s, Wildcard);
    }

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", RegexOptions.CultureInvariant)]
    private static partial Regex Guid();

    [GeneratedRegex(@"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s""'<>]+", RegexOptions.CultureInvariant)]
    private static partial Regex Url();

    [GeneratedRegex(@"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTimestamp();

    [GeneratedRegex(@"\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b", RegexOptions.CultureInvariant)]
    private static partial Regex ClockTime();

    [GeneratedRegex(@"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?![\w.])", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4();

    [GeneratedRegex(@"(?<![\w:])\[?(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{1,4}\]?(?::\d{1,5})?(?![\w:])", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv6();

    [GeneratedRegex(@"(?<![\w])(?:[A-Za-z]:)?(?:[/\\][\w.~@+%-]+){2,}[/\\]?(?:\?[^\s""]*)?", RegexOptions.CultureInvariant)]
    private static partial Regex Path();

    [GeneratedRegex(@"""[^""\s]*""|'[^'\s]*'", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedWord();

    [GeneratedRegex(@"\b0[xX][0-9a-fA-F]+\b", RegexOptions.CultureInvariant)]
    private static partial Regex HexLiteral();

    // Decimals and dotted versions standing alone are one value (12.50, 1.4.2), not one per dot.
    [GeneratedRegex(@"(?<![\w.])[-+]?\d+(?:\.\d+)+(?![\w])", RegexOptions.CultureInvariant)]
    private static partial Regex DottedNumber();

    // A word of hex digits with at least one decimal digit (ids, hashes, addresses); "face" or "add" stay words.
    [GeneratedRegex(@"\b(?=[0-9a-fA-F]*\d)[0-9a-fA-F]+\b", RegexOptions.CultureInvariant)]
    private static partial Regex HexWord();

    [GeneratedRegex(@"[-+]?\d+(?:\.\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    [GeneratedRegex(@"(?<![A-Za-z0-9])-<\*>", RegexOptions.CultureInvariant)]
    private static partial Regex SignedWildcard();

    [GeneratedRegex(@"(?:<\*>)+", RegexOptions.CultureInvariant)]
    private static partial Regex RepeatedWildcards();
}
