using System.Text;
using System.Text.RegularExpressions;

namespace HealingGrains.Storage;

/// <summary>
/// The naming rules every backend enforces (Azure Table storage's, the strictest), and a reversible escape that turns
/// any string — a grain id contains <c>/</c> — into a valid key.
/// </summary>
public static partial class RowKeys
{
    /// <summary>The longest key, in UTF-16 code units: Azure allows 1 KiB, and a few characters are kept for continuation rows.</summary>
    public const int MaxKeyLength = 1000;

    /// <summary>Row keys starting with this are the backends' own (continuation rows).</summary>
    public const string ReservedPrefix = "~~";

    /// <summary>
    /// The largest payload, on every backend, so that data moves between them: 2 MiB. Azure Table storage carries one
    /// write in one transaction of at most 4 MiB, and binary properties travel base64-encoded (4/3).
    /// </summary>
    public const int MaxPayloadBytes = 2 * 1024 * 1024;

    private const char EscapeChar = '~';

    /// <summary>Throws <see cref="RowTooLargeException"/> when a payload is over <see cref="MaxPayloadBytes"/>.</summary>
    public static void ValidatePayload(string table, string partitionKey, string rowKey, int length)
    {
        if (length > MaxPayloadBytes)
        {
            throw new RowTooLargeException(
                $"Row {table}/{partitionKey}/{rowKey} would hold {length} bytes; a row holds at most {MaxPayloadBytes} bytes (2 MiB) on every backend. Nothing was written.");
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="table"/> is 3 to 63 letters or digits starting with a letter.</summary>
    public static void ValidateTable(string table)
    {
        if (table is null || !TablePattern().IsMatch(table))
        {
            throw new ArgumentException($"Table name '{table}' is invalid: use 3 to 63 letters or digits, starting with a letter.", nameof(table));
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="key"/> is a valid partition or row key.</summary>
    public static void ValidateKey(string key, string parameterName)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("A key may not be empty.", parameterName);
        }

        if (key.StartsWith(ReservedPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"A key may not start with '{ReservedPrefix}' (reserved for continuation rows; RowKeys.Escape never produces it).", parameterName);
        }

        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"A key may have at most {MaxKeyLength} characters; this one has {key.Length}.", parameterName);
        }

        foreach (var c in key)
        {
            if (IsForbidden(c))
            {
                throw new ArgumentException(
                    $"Key '{key}' contains '{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())}'; keys may not contain / \\ # ? or control characters (escape them with RowKeys.Escape).",
                    parameterName);
            }
        }
    }

    /// <summary>Escapes any string into a valid key; <see cref="Unescape"/> reverses it. Ordinal order of plain ASCII letters and digits is kept.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);

        // Sized first and written once: every grain state write escapes its key (a grain id holds a '/').
        var escapes = 0;
        foreach (var c in value)
        {
            escapes += c == EscapeChar || IsForbidden(c) ? 1 : 0;
        }

        return escapes == 0 ? value : string.Create(value.Length + (escapes * 4), value, static (span, value) =>
        {
            var at = 0;
            foreach (var c in value)
            {
                if (c == EscapeChar || IsForbidden(c))
                {
                    span[at++] = EscapeChar;
                    ((int)c).TryFormat(span.Slice(at, 4), out _, "x4", System.Globalization.CultureInfo.InvariantCulture);
                    at += 4;
                }
                else
                {
                    span[at++] = c;
                }
            }
        });
    }

    /// <summary>Reverses <see cref="Escape"/>.</summary>
    public static string Unescape(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var builder = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == EscapeChar && i + 4 < key.Length)
            {
                builder.Append((char)Convert.ToInt32(key.Substring(i + 1, 4), 16));
                i += 4;
            }
            else
            {
                builder.Append(key[i]);
            }
        }

        return builder.ToString();
    }

    private static bool IsForbidden(char c) => c is '/' or '\\' or '#' or '?' || char.IsControl(c);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TablePattern();
}
