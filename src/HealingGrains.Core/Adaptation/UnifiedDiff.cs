using System.Text;
using System.Text.RegularExpressions;

namespace HealingGrains.Core.Adaptation;

/// <summary>One changed source file: its text before and after the fix (for a diff, the hunks' lines only).</summary>
/// <param name="Path">The file's path.</param>
/// <param name="Before">The code before (empty for a new file).</param>
/// <param name="After">The code after (empty for a deleted file).</param>
public sealed record SourceChange(string Path, string Before, string After);

/// <summary>
/// Reads a unified diff (as <c>git diff</c> writes it) into one <see cref="SourceChange"/> per file: the before side is
/// each hunk's context and removed lines, the after side its context and added lines, hunks one after the other.
/// </summary>
public static partial class UnifiedDiff
{
    /// <summary>The files of <paramref name="diff"/>; <see cref="FormatException"/> names the line that is not a diff.</summary>
    public static IReadOnlyList<SourceChange> Parse(string diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        var changes = new List<SourceChange>();
        string? path = null;
        string? pending = null;
        StringBuilder? before = null, after = null;
        int removedLeft = 0, addedLeft = 0;
        var lineNumber = 0;

        void Flush()
        {
            if (path is not null)
            {
                changes.Add(new SourceChange(path, before!.ToString(), after!.ToString()));
            }
        }

        foreach (var raw in diff.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            lineNumber++;
            var line = raw;
            if (removedLeft > 0 || addedLeft > 0)
            {
                if (line.StartsWith('\\'))
                {
                    continue; // "\ No newline at end of file"
                }

                var mark = line.Length == 0 ? ' ' : line[0];
                var body = line.Length == 0 ? "" : line[1..];
                switch (mark)
                {
                    case ' ':
                        before!.Append(body).Append('\n');
                        after!.Append(body).Append('\n');
                        removedLeft--;
                        addedLeft--;
                        break;
                    case '-':
                        before!.Append(body).Append('\n');
                        removedLeft--;
                        break;
                    case '+':
                        after!.Append(body).Append('\n');
                        addedLeft--;
                        break;
                    default:
                        throw new FormatException($"Line {lineNumber}: a hunk line must start with ' ', '-' or '+'.");
                }

                continue;
            }

            if (line.StartsWith("--- ", StringComparison.Ordinal))
            {
                Flush();
                path = null;
                var source = line[4..].Trim();
                pending = source.StartsWith("a/", StringComparison.Ordinal) ? source[2..] : source;
                continue;
            }

            if (line.StartsWith("+++ ", StringComparison.Ordinal))
            {
                var target = line[4..].Trim();
                path = target == "/dev/null" ? pending : target.StartsWith("b/", StringComparison.Ordinal) ? target[2..] : target;
                before = new StringBuilder();
                after = new StringBuilder();
                continue;
            }

            var hunk = Hunk().Match(line);
            if (hunk.Success)
            {
                if (path is null)
                {
                    throw new FormatException($"Line {lineNumber}: a hunk before any file header (--- a/… +++ b/…).");
                }

                removedLeft = hunk.Groups["old"].Success ? int.Parse(hunk.Groups["old"].Value, System.Globalization.CultureInfo.InvariantCulture) : 1;
                addedLeft = hunk.Groups["new"].Success ? int.Parse(hunk.Groups["new"].Value, System.Globalization.CultureInfo.InvariantCulture) : 1;
                before!.Append('\n');
                after!.Append('\n');
            }
        }

        if (removedLeft > 0 || addedLeft > 0)
        {
            throw new FormatException("The diff ends inside a hunk: its header counts more lines than follow.");
        }

        Flush();
        return changes;
    }

    [GeneratedRegex(@"^@@ -\d+(?:,(?<old>\d+))? \+\d+(?:,(?<new>\d+))? @@")]
    private static partial Regex Hunk();
}
