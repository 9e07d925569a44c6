using System.Buffers;
using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace HealingGrains.Core.Fingerprinting;

/// <summary>
/// Turns a message into its masked token sequence in one pass, without allocating once its buffers have grown:
/// tokens are split on white space; a token with none of the characters variables are made of is a word and is kept
/// as it is; any other token is cut at delimiters (<c>= : , ( ) [ ] { } " ' &lt; &gt; ;</c>) and each part that holds
/// a digit, or is an e-mail address, a path or a host name under a known top-level domain, becomes
/// <see cref="VariableMasker.Wildcard"/>. A URL or a quoted single word is one variable; a token made only of
/// variables and <c>: . - /</c> (an address with its port, a clock time) is one variable. Then, with the neighbours in
/// view: a weekday or month name next to a variable or another calendar word is part of a date; a three- or
/// four-letter capitalised word between two variables is a time zone; a run of one repeated variable token is one
/// token (lists of ids vary in length, not in meaning).
/// </summary>
/// <remarks>Not thread-safe: one scanner belongs to one miner.</remarks>
internal sealed partial class MessageScanner
{
    private const string Wildcard = VariableMasker.Wildcard;

    // The characters variables are made of: a token without any of them is a word.
    private const string SpecialCharacters = "0123456789/\\@.:\"'=,()[]{}";

    private static readonly SearchValues<char> Special = SearchValues.Create(SpecialCharacters);
    private static readonly bool[] DelimiterTable = Table("=:,()[]{}\"'<>;");
    private static readonly SearchValues<char> AsciiLetters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    private static readonly SearchValues<char> AddressPunctuation = SearchValues.Create(":.-/[],");
    private const byte WhiteSpaceClass = 2;
    private const byte SpecialClass = 1;

    // Per ASCII character: white space, a character variables are made of, or neither.
    private static readonly byte[] CharacterClasses = [.. Enumerable.Range(0, 128).Select(c =>
        char.IsWhiteSpace((char)c) ? WhiteSpaceClass : SpecialCharacters.Contains((char)c, StringComparison.Ordinal) ? SpecialClass : (byte)0)];
    private static readonly SearchValues<char> AnyWhiteSpace = SearchValues.Create(
        [.. Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(char.IsWhiteSpace)]);

    private static readonly FrozenSet<string> CalendarWords = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january", "february", "march",
        "april", "june", "july", "august", "september", "october", "november", "december");

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Calendar =
        CalendarWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly ulong[] CalendarPrefixes = PrefixTable(CalendarWords);

    // Top-level domains common in logs; a dotted lowercase name ending in one of them is a host name, not a package.
    private static readonly FrozenSet<string> TopLevelDomains = FrozenSet.Create(StringComparer.Ordinal,
        "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io", "co", "uk", "de", "fr", "jp", "cn", "ru", "pl",
        "nl", "au", "ca", "it", "es", "br", "kr", "tw", "hk", "in", "ch", "se", "no", "fi", "dk", "be", "at", "cz", "local",
        "localdomain", "internal", "lan", "arpa", "us", "eu");

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Domains =
        TopLevelDomains.GetAlternateLookup<ReadOnlySpan<char>>();

    private char[] _masked = new char[256];
    private int _maskedLength;
    private (int Start, int Length)[] _tokens = new (int, int)[32];
    private int _count;
    private char[] _key = new char[256];
    private int _keyLength;

    /// <summary>The message's masked tokens joined by single spaces; valid until the next call.</summary>
    public ReadOnlySpan<char> Scan(ReadOnlySpan<char> message)
    {
        _maskedLength = 0;
        _count = 0;
        if (System.Text.Ascii.IsValid(message))
        {
            SplitAscii(message);
        }
        else
        {
            SplitUnicode(message);
        }

        _keyLength = 0;
        var lastStart = -1;
        var lastLength = 0;
        for (var t = 0; t < _count; t++)
        {
            var token = Token(t);
            if (token.Length >= 3 && IsCalendarWord(token))
            {
                if ((t > 0 && IsDatePart(Token(t - 1))) || (t + 1 < _count && IsDatePart(Token(t + 1))))
                {
                    token = Wildcard;
                }
            }
            else if (token.Length is 3 or 4 && IsTimeZone(token) && t > 0 && t + 1 < _count && Token(t - 1).SequenceEqual(Wildcard) && Token(t + 1).SequenceEqual(Wildcard))
            {
                token = Wildcard;
            }

            if (lastStart >= 0 && _key.AsSpan(lastStart, lastLength).SequenceEqual(token) && token.IndexOf(Wildcard) >= 0)
            {
                continue;
            }

            if (_keyLength + token.Length + 1 > _key.Length)
            {
                Array.Resize(ref _key, Math.Max(_key.Length * 2, _keyLength + token.Length + 1));
            }

            if (_keyLength > 0)
            {
                _key[_keyLength++] = ' ';
            }

            lastStart = _keyLength;
            lastLength = token.Length;
            token.CopyTo(_key.AsSpan(_keyLength));
            _keyLength += token.Length;
        }

        return _key.AsSpan(0, _keyLength);
    }

    // ASCII text (nearly every log line): one scalar pass finds the tokens and whether each needs masking.
    private void SplitAscii(ReadOnlySpan<char> message)
    {
        var classes = CharacterClasses;
        var i = 0;
        while (i < message.Length)
        {
            if (classes[message[i]] == WhiteSpaceClass)
            {
                i++;
                continue;
            }

            var first = i;
            var seen = 0;
            for (; i < message.Length; i++)
            {
                var kind = classes[message[i]];
                if (kind == WhiteSpaceClass)
                {
                    break;
                }

                seen |= kind;
            }

            AddRawToken(message[first..i], seen != 0);
        }
    }

    private void SplitUnicode(ReadOnlySpan<char> message)
    {
        var i = 0;
        while (true)
        {
            var skip = message[i..].IndexOfAnyExcept(AnyWhiteSpace);
            if (skip < 0)
            {
                break;
            }

            i += skip;
            var length = message[i..].IndexOfAny(AnyWhiteSpace);
            var raw = length < 0 ? message[i..] : message.Slice(i, length);
            i += raw.Length;
            AddRawToken(raw, raw.IndexOfAny(Special) >= 0);
            if (i >= message.Length)
            {
                break;
            }
        }
    }

    private void AddRawToken(ReadOnlySpan<char> raw, bool special)
    {
        var start = _maskedLength;
        if (special)
        {
            MaskToken(raw);
        }
        else
        {
            Append(raw);
        }

        AddToken(start, _maskedLength - start);
    }

    private ReadOnlySpan<char> Token(int index) => _masked.AsSpan(_tokens[index].Start, _tokens[index].Length);

    private static bool IsCalendarWord(ReadOnlySpan<char> token)
    {
        token = token.TrimEnd(',');
        if (token.Length is < 3 or > 9)
        {
            return false;
        }

        // Most words are ruled out by their first three letters, one bit in a table, without hashing the word.
        var prefix = PrefixIndex(token);
        return prefix >= 0 && (CalendarPrefixes[prefix >> 6] & (1UL << prefix)) != 0
            && !token.ContainsAnyExcept(AsciiLetters) && Calendar.Contains(token);
    }

    private static bool IsDatePart(ReadOnlySpan<char> token) =>
        token.Contains(Wildcard, StringComparison.Ordinal) || IsCalendarWord(token);

    private static bool IsTimeZone(ReadOnlySpan<char> token)
    {
        if (token.Length is < 3 or > 4)
        {
            return false;
        }

        foreach (var c in token)
        {
            if (!char.IsAsciiLetterUpper(c))
            {
                return false;
            }
        }

        return true;
    }

    private void MaskToken(ReadOnlySpan<char> raw)
    {
        // A Windows path: the drive's colon is not a delimiter.
        if (raw.Length > 2 && char.IsAsciiLetter(raw[0]) && raw[1] == ':' && raw[2] is '\\' or '/')
        {
            Append(Wildcard);
            return;
        }

        if (raw.Length >= 17 && IsHardwareAddress(raw.TrimEnd(",;")))
        {
            Append(Wildcard);
            Append(raw[raw.TrimEnd(",;").Length..]);
            return;
        }

        var quoted = raw[0] is '"' or '\'' ? raw.TrimEnd(".,;") : default;
        if (quoted.Length >= 2 && quoted[0] is '"' or '\'' && quoted[^1] == quoted[0] && quoted[1..^1].IndexOfAny('"', '\'') < 0)
        {
            Append(Wildcard);
            Append(raw[quoted.Length..]);
            return;
        }

        // One scalar pass: parts are short, and a table lookup per character beats a vectorised call per part.
        var tokenStart = _maskedLength;
        var partStart = 0;
        var digit = false;
        var anyVariable = false;
        for (var j = 0; j <= raw.Length; j++)
        {
            var c = j < raw.Length ? raw[j] : ' ';
            if (j < raw.Length && !(c < 128 && DelimiterTable[c]))
            {
                digit |= char.IsAsciiDigit(c);
                continue;
            }

            if (j > partStart)
            {
                var part = raw[partStart..j];
                if (digit || IsVariableWord(part))
                {
                    anyVariable = true;
                    var written = _masked.AsSpan(tokenStart, _maskedLength - tokenStart);
                    if (written.Length < Wildcard.Length || !written[^Wildcard.Length..].SequenceEqual(Wildcard))
                    {
                        Append(Wildcard);
                    }
                }
                else
                {
                    Append(part);
                }
            }

            if (j < raw.Length)
            {
                if (c == ':' && j + 2 < raw.Length && raw[j + 1] == '/' && raw[j + 2] == '/')
                {
                    // A URL is one variable, whatever it holds.
                    _maskedLength = tokenStart;
                    Append(Wildcard);
                    return;
                }

                AppendChar(c);
            }

            partStart = j + 1;
            digit = false;
        }

        // An address with its port, a clock time, a dotted version: one variable, not several.
        var masked = _masked.AsSpan(tokenStart, _maskedLength - tokenStart);
        var core = anyVariable ? masked.TrimEnd(",;:") : default;
        if (anyVariable && IsOnlyVariablesAndAddressPunctuation(core))
        {
            var trailing = masked.Length - core.Length;
            masked.Slice(core.Length, trailing).CopyTo(masked[Wildcard.Length..]);
            Wildcard.AsSpan().CopyTo(masked);
            _maskedLength = tokenStart + Wildcard.Length + trailing;
        }
    }

    // Six or more pairs of hex digits joined by ':' or '-': a MAC or chip address, even when a pair has no digit.
    private static bool IsHardwareAddress(ReadOnlySpan<char> token)
    {
        if (token.Length < 17 || (token.Length + 1) % 3 != 0)
        {
            return false;
        }

        var separator = token[2];
        for (var i = 0; i < token.Length; i++)
        {
            var ok = i % 3 == 2 ? token[i] == separator && separator is ':' or '-' : char.IsAsciiHexDigit(token[i]);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsOnlyVariablesAndAddressPunctuation(ReadOnlySpan<char> masked)
    {
        while (masked.Length > 0)
        {
            if (masked.Length >= 3 && masked[0] == '<' && masked[1] == '*' && masked[2] == '>')
            {
                masked = masked[Wildcard.Length..];
            }
            else if (AddressPunctuation.Contains(masked[0]))
            {
                masked = masked[1..];
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    // A part without digits that is still a value: an e-mail address, a path, a host name under a known domain.
    private static bool IsVariableWord(ReadOnlySpan<char> part)
    {
        var at = -1;
        var lastDot = -1;
        var slashes = 0;
        for (var k = 0; k < part.Length; k++)
        {
            switch (part[k])
            {
                case '@':
                    at = k;
                    break;
                case '.':
                    lastDot = k;
                    break;
                case '/' or '\\':
                    slashes++;
                    break;
            }
        }

        if (at >= 0 && lastDot > at)
        {
            return true;
        }

        if (slashes >= 2 || (part.Length > 1 && (part[0] == '/' || part.StartsWith("./") || part.StartsWith("../") || part.StartsWith("~/"))))
        {
            return true;
        }

        // The top-level domain first: it rules out class and package names without running the expression.
        return lastDot > 0 && Domains.Contains(part[(lastDot + 1)..]) && HostName().IsMatch(part);
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (_maskedLength + text.Length > _masked.Length)
        {
            Array.Resize(ref _masked, Math.Max(_masked.Length * 2, _maskedLength + text.Length));
        }

        text.CopyTo(_masked.AsSpan(_maskedLength));
        _maskedLength += text.Length;
    }

    private void AppendKey(ReadOnlySpan<char> text)
    {
        if (_keyLength + text.Length > _key.Length)
        {
            Array.Resize(ref _key, Math.Max(_key.Length * 2, _keyLength + text.Length));
        }

        text.CopyTo(_key.AsSpan(_keyLength));
        _keyLength += text.Length;
    }

    private void AppendChar(char c)
    {
        if (_maskedLength == _masked.Length)
        {
            Array.Resize(ref _masked, _masked.Length * 2);
        }

        _masked[_maskedLength++] = c;
    }

    private void AddToken(int start, int length)
    {
        if (_count == _tokens.Length)
        {
            Array.Resize(ref _tokens, _tokens.Length * 2);
        }

        _tokens[_count++] = (start, length);
    }

    // The first three letters, case-insensitively, as a number below 26³; -1 when they are not all ASCII letters.
    private static int PrefixIndex(ReadOnlySpan<char> word)
    {
        var a = (word[0] | 0x20) - 'a';
        var b = (word[1] | 0x20) - 'a';
        var c = (word[2] | 0x20) - 'a';
        return (uint)a < 26 && (uint)b < 26 && (uint)c < 26 ? (((a * 26) + b) * 26) + c : -1;
    }

    private static ulong[] PrefixTable(IEnumerable<string> words)
    {
        var table = new ulong[((26 * 26 * 26) + 63) / 64];
        foreach (var word in words)
        {
            var index = PrefixIndex(word);
            table[index >> 6] |= 1UL << index;
        }

        return table;
    }

    private static bool[] Table(string characters)
    {
        var table = new bool[128];
        foreach (var c in characters)
        {
            table[c] = true;
        }

        return table;
    }

    [GeneratedRegex(@"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();
}
