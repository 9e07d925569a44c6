using System.Buffers;
using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace HealingGrains.Core.Fingerprinting;

/// <summary>
/// When a template token and a message token that differ may still be the same event (the position is a variable),
/// and what the template token becomes then. The rule of thumb that keeps bugs apart: words are constants. Two
/// different plain words at one position are two events ("VM Paused" is not "VM Resumed", "state=RUNNING" is not
/// "state=FAILED"), with two exceptions that hold in every log: the word right after a naming noun ("for user alice",
/// "on host db1") is a name, and qualified names (<c>com.example.Worker</c>, <c>pkg/Type</c>) are values — unless
/// what differs is an ALL_CAPS constant at their end (<c>ACTION_SCREEN_ON</c>), which names an event.
/// </summary>
internal static partial class TokenRules
{
    private const string Wildcard = VariableMasker.Wildcard;

    // The scanner's delimiters without '<', '>' and ';': an affix must not cut into a variable's "<*>".
    private static readonly SearchValues<char> Delimiters = SearchValues.Create("=:,()[]{}\"'");

    // Nouns whose next word names a thing of that kind; lowercase only: "Instance spawned" starts a sentence.
    private static readonly FrozenSet<string> NamingNouns = FrozenSet.Create(StringComparer.Ordinal,
        "user", "username", "login", "account", "host", "hostname", "node", "file", "filename", "path", "dir", "directory",
        "database", "db", "table", "queue", "topic", "instance", "domain", "server", "client", "service", "container", "pod",
        "namespace", "session", "job", "task", "process", "thread", "bucket", "shard", "partition", "volume", "device",
        "cluster", "region", "zone", "tenant", "project", "repository", "branch", "pool", "channel", "group", "worker", "agent",
        "consumer", "producer", "peer", "member", "replica", "customer");

    /// <summary>
    /// Whether the template token <paramref name="a"/> and the message token <paramref name="b"/> may be one position
    /// of one event; <paramref name="previous"/> is the template's token before them, if any.
    /// </summary>
    public static bool Compatible(string a, string b, string? previous)
    {
        if (a == Wildcard || b == Wildcard || Glob(a, b) || Glob(b, a))
        {
            return true;
        }

        var aHasVariable = a.Contains(Wildcard, StringComparison.Ordinal);
        var bHasVariable = b.Contains(Wildcard, StringComparison.Ordinal);
        if (aHasVariable || bHasVariable)
        {
            // The same constant parts with variables in other places: "(uid=<*>)" and "(uid=0<*>)".
            if (a.Replace(Wildcard, "", StringComparison.Ordinal) == b.Replace(Wildcard, "", StringComparison.Ordinal))
            {
                return true;
            }
        }
        else
        {
            var (prefix, suffix) = SplitAffix(a, b);
            var va = a.AsSpan(prefix, a.Length - prefix - suffix);
            var vb = b.AsSpan(prefix, b.Length - prefix - suffix);
            var lastA = LastSegment(va);
            var lastB = LastSegment(vb);
            if (!lastA.SequenceEqual(lastB) && IsConstantName(lastA) && IsConstantName(lastB) && (va.Contains('.') || vb.Contains('.')))
            {
                return false;
            }
        }

        if (previous is not null && NamingNouns.Contains(previous.TrimEnd(':')) && IsWord(a) && IsWord(b))
        {
            return true;
        }

        var (head, tail) = SplitAffix(a, b);
        var left = a.AsSpan(head, a.Length - head - tail);
        var right = b.AsSpan(head, b.Length - head - tail);
        return left.Length > 0 && right.Length > 0
            && ((QualifiedName().IsMatch(left) && (QualifiedName().IsMatch(right) || Identifier().IsMatch(right)))
                || (QualifiedName().IsMatch(right) && Identifier().IsMatch(left)));
    }

    /// <summary>The template token that covers both <paramref name="a"/> and <paramref name="b"/>, keeping their common affixes.</summary>
    public static string Generalise(string a, string b)
    {
        if (a == b || Glob(a, b))
        {
            return a;
        }

        if (Glob(b, a))
        {
            return b;
        }

        if (a == Wildcard || b == Wildcard)
        {
            return Wildcard;
        }

        var (prefix, suffix) = SplitAffix(a, b);
        return string.Concat(a.AsSpan(0, prefix), Wildcard, a.AsSpan(a.Length - suffix));
    }

    /// <summary>Whether <paramref name="pattern"/>, read with each variable standing for one or more characters, matches <paramref name="text"/>.</summary>
    public static bool Glob(string pattern, string text)
    {
        var first = pattern.IndexOf(Wildcard, StringComparison.Ordinal);
        if (first < 0)
        {
            return false;
        }

        var head = pattern.AsSpan(0, first);
        var lastIndex = pattern.LastIndexOf(Wildcard, StringComparison.Ordinal);
        var tail = pattern.AsSpan(lastIndex + Wildcard.Length);
        if (!text.AsSpan().StartsWith(head, StringComparison.Ordinal) || !text.AsSpan().EndsWith(tail, StringComparison.Ordinal))
        {
            return false;
        }

        var position = head.Length;
        var end = text.Length - tail.Length;
        var middle = pattern.AsSpan(first + Wildcard.Length, Math.Max(0, lastIndex - first - Wildcard.Length));
        while (lastIndex > first)
        {
            // Each variable takes at least one character; placing each constant part as early as possible is optimal.
            var next = middle.IndexOf(Wildcard, StringComparison.Ordinal);
            var segment = next < 0 ? middle : middle[..next];
            if (position + 1 > end)
            {
                return false;
            }

            var found = text.AsSpan(position + 1, end - position - 1).IndexOf(segment, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position += 1 + found + segment.Length;
            if (next < 0)
            {
                break;
            }

            middle = middle[(next + Wildcard.Length)..];
        }

        return end - position >= 1;
    }

    private static bool IsWord(string token) =>
        !token.Contains(Wildcard, StringComparison.Ordinal) && !token.AsSpan().ContainsAnyInRange('0', '9');

    private static ReadOnlySpan<char> LastSegment(ReadOnlySpan<char> value)
    {
        var cut = value.LastIndexOfAny('.', '/');
        return cut < 0 ? value : value[(cut + 1)..];
    }

    private static bool IsConstantName(ReadOnlySpan<char> segment) => ConstantName().IsMatch(segment);

    // The longest common prefix ending at a delimiter and suffix starting at one: "name=com.a.b," and "name=android,"
    // share "name=" and ",", and differ in "com.a.b" and "android".
    private static (int Prefix, int Suffix) SplitAffix(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        var prefix = 0;
        for (var i = 0; i < n && a[i] == b[i]; i++)
        {
            if (Delimiters.Contains(a[i]))
            {
                prefix = i + 1;
            }
        }

        var suffix = 0;
        for (var j = 0; j < n - prefix && a[^(j + 1)] == b[^(j + 1)]; j++)
        {
            if (Delimiters.Contains(a[^(j + 1)]))
            {
                suffix = j + 1;
            }
        }

        return (prefix, suffix);
    }

    [GeneratedRegex(@"^[A-Za-z_$][\w$-]*(?:(?:\.|/\.?)[\w$-]+)+[/.]?$", RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"^[A-Za-z_$][\w$.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{2,})$", RegexOptions.CultureInvariant)]
    private static partial Regex ConstantName();
}
