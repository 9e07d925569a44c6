namespace HealingGrains.Core.Fingerprinting;

/// <summary>
/// Replaces the variable parts of a message with <see cref="Wildcard"/>, exactly as the template miner sees them
/// (see <see cref="MessageScanner"/> for the rules): numbers and anything holding a digit (ids, hashes, addresses,
/// timestamps), URLs, e-mail addresses, paths, host names, quoted single words, dates. White space is normalised
/// to single spaces.
/// </summary>
public static class VariableMasker
{
    /// <summary>The placeholder for a variable.</summary>
    public const string Wildcard = "<*>";

    [ThreadStatic]
    private static MessageScanner? _scanner;

    /// <summary>Masks the variables of <paramref name="message"/>; a run of one repeated variable token is one token.</summary>
    public static string Mask(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return (_scanner ??= new MessageScanner()).Scan(message).ToString();
    }

    /// <summary>
    /// Masks <paramref name="message"/> as <see cref="Mask"/> does, into <paramref name="destination"/>, without
    /// allocating; false, with nothing written, when the masked text does not fit (it may be longer than the message:
    /// a one-digit number becomes <see cref="Wildcard"/>).
    /// </summary>
    public static bool TryMask(ReadOnlySpan<char> message, Span<char> destination, out int written)
    {
        var masked = (_scanner ??= new MessageScanner()).Scan(message);
        written = masked.TryCopyTo(destination) ? masked.Length : 0;
        return written == masked.Length;
    }
}
