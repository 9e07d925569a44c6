using System.Globalization;
using System.Text.RegularExpressions;

namespace HealingGrains.Core.Modules;

/// <summary>A semantic version (major.minor.patch, an optional pre-release; build metadata ignored), ordered as SemVer 2.0 orders them.</summary>
public sealed partial record SemanticVersion(int Major, int Minor, int Patch, string? PreRelease = null) : IComparable<SemanticVersion>
{
    /// <summary>Parses <c>1.2.3</c> or <c>1.2.3-beta.1</c> (a leading <c>v</c> is allowed).</summary>
    public static bool TryParse(string? text, out SemanticVersion version)
    {
        version = null!;
        var m = text is null ? Match.Empty : Pattern().Match(text.Trim());
        if (!m.Success)
        {
            return false;
        }

        version = new SemanticVersion(
            int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
            m.Groups[4].Success ? m.Groups[4].Value : null);
        return true;
    }

    /// <inheritdoc/>
    public int CompareTo(SemanticVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = (Major, Minor, Patch).CompareTo((other.Major, other.Minor, other.Patch));
        if (c != 0)
        {
            return c;
        }

        // A pre-release comes before its release; pre-releases compare field by field, numbers numerically.
        if (PreRelease == other.PreRelease)
        {
            return 0;
        }

        if (PreRelease is null || other.PreRelease is null)
        {
            return PreRelease is null ? 1 : -1;
        }

        var a = PreRelease.Split('.');
        var b = other.PreRelease.Split('.');
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var numeric = int.TryParse(a[i], out var x) & int.TryParse(b[i], out var y);
            var d = numeric ? x.CompareTo(y) : string.CompareOrdinal(a[i], b[i]);
            if (d != 0)
            {
                return d;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    /// <inheritdoc/>
    public override string ToString() => PreRelease is null ? $"{Major}.{Minor}.{Patch}" : $"{Major}.{Minor}.{Patch}-{PreRelease}";

    /// <summary>Less than.</summary>
    public static bool operator <(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) < 0;

    /// <summary>Greater than.</summary>
    public static bool operator >(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) > 0;

    /// <summary>At most.</summary>
    public static bool operator <=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) <= 0;

    /// <summary>At least.</summary>
    public static bool operator >=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) >= 0;

    [GeneratedRegex(@"^v?(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$")]
    private static partial Regex Pattern();
}

/// <summary>
/// A range of platform versions a module works with: space-separated comparators that must all hold
/// (<c>&gt;=1.0.0 &lt;2.0.0</c>), a caret (<c>^1.2.0</c>: same major, at least this), a tilde (<c>~1.2.0</c>: same minor, at
/// least this), an exact version, or <c>*</c>.
/// </summary>
public sealed class VersionRange
{
    private readonly List<(string Op, SemanticVersion Version)> _comparators;

    private VersionRange(string text, List<(string, SemanticVersion)> comparators)
    {
        Text = text;
        _comparators = comparators;
    }

    /// <summary>The range as written.</summary>
    public string Text { get; }

    /// <summary>Parses a range; the error says which part is not one.</summary>
    public static bool TryParse(string? text, out VersionRange range, out string? error)
    {
        range = null!;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "A version range is required (for example \">=1.0.0 <2.0.0\", \"^1.2.0\" or \"*\").";
            return false;
        }

        var comparators = new List<(string, SemanticVersion)>();
        foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "*")
            {
                continue;
            }

            var op = part.StartsWith(">=", StringComparison.Ordinal) || part.StartsWith("<=", StringComparison.Ordinal) ? part[..2]
                : part[0] is '>' or '<' or '^' or '~' or '=' ? part[..1] : "=";
            var versionText = op == "=" && part[0] != '=' ? part : part[op.Length..];
            if (!SemanticVersion.TryParse(versionText, out var version))
            {
                error = $"'{part}' is not a comparator with a semantic version (for example >=1.0.0).";
                return false;
            }

            switch (op)
            {
                case "^":
                    comparators.Add((">=", version));
                    comparators.Add(("<", version.Major > 0 ? new SemanticVersion(version.Major + 1, 0, 0, "0") : new SemanticVersion(0, version.Minor + 1, 0, "0")));
                    break;
                case "~":
                    comparators.Add((">=", version));
                    comparators.Add(("<", new SemanticVersion(version.Major, version.Minor + 1, 0, "0")));
                    break;
                default:
                    comparators.Add((op, version));
                    break;
            }
        }

        range = new VersionRange(text.Trim(), comparators);
        return true;
    }

    /// <summary>Whether <paramref name="version"/> is in the range.</summary>
    public bool Contains(SemanticVersion version) => _comparators.All(c => c.Op switch
    {
        ">=" => version >= c.Version,
        "<=" => version <= c.Version,
        ">" => version > c.Version,
        "<" => version < c.Version,
        _ => version.CompareTo(c.Version) == 0,
    });

    /// <inheritdoc/>
    public override string ToString() => Text;
}
