namespace HealingGrains.Core.Fingerprinting;

/// <summary>
/// Turns a message into the tokens the miner compares: masked, split on white space, with two rules on top of masking.
/// </summary>
internal static class TemplateTokenizer
{
    private static readonly char[] Delimiters = ['=', ',', ':', '(', ')', '[', ']', '{', '}'];

    /// <summary>
    /// Within a token, a part between delimiters that still holds a digit, or that joins a variable to name-like
    /// punctuation (<c>&lt;*&gt;.example.net</c>, <c>part-&lt;*&gt;</c>), is one variable. A run of identical
    /// variable tokens is one token: lists of ids vary in length, not in meaning.
    /// </summary>
    public static List<string> Tokenize(string message)
    {
        var masked = VariableMasker.Mask(message);
        var tokens = new List<string>();
        foreach (var raw in masked.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw.Contains(VariableMasker.Wildcard, StringComparison.Ordinal) || raw.Any(char.IsAsciiDigit)
                ? MaskParts(raw)
                : raw;
            if (tokens.Count > 0 && token == tokens[^1] && token.Contains(VariableMasker.Wildcard, StringComparison.Ordinal))
            {
                continue;
            }

            tokens.Add(token);
        }

        return tokens;
    }

    private static string MaskParts(string token)
    {
        var builder = new System.Text.StringBuilder(token.Length);
        var start = 0;
        for (var i = 0; i <= token.Length; i++)
        {
            if (i < token.Length && Array.IndexOf(Delimiters, token[i]) < 0)
            {
                continue;
            }

            if (i > start)
            {
                var part = token[start..i];
                builder.Append(IsVariablePart(part) ? VariableMasker.Wildcard : part);
            }

            if (i < token.Length)
            {
                builder.Append(token[i]);
            }

            start = i + 1;
        }

        return builder.ToString();
    }

    private static bool IsVariablePart(string part)
    {
        if (part.Any(char.IsAsciiDigit))
        {
            return true;
        }

        if (!part.Contains(VariableMasker.Wildcard, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = part.Replace(VariableMasker.Wildcard, "", StringComparison.Ordinal);
        return rest.Length == 0 || rest.IndexOfAny(['.', '-', '_']) >= 0;
    }
}
