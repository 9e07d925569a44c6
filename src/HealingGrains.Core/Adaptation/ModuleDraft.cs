using System.Text;
using System.Text.Json;
using HealingGrains.Core.Modules;

namespace HealingGrains.Core.Adaptation;

/// <summary>
/// A draft module from what a fix teaches: one rule per candidate behaviour, matching the exception type the fix caught
/// (else the fingerprint's template), and a test that the best rule is proposed for it. It is only a draft: it becomes a
/// module when an admin sends it to <c>POST /api/v1/modules</c>, through every integration check.
/// </summary>
public static class ModuleDraft
{
    /// <summary>The draft manifest's JSON, or null when the fix teaches nothing a rule could match on.</summary>
    public static string? From(FixAnalysis analysis, string fingerprint, string? template)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(fingerprint);
        // Conditions the manifest schema accepts: an exception type of at most 200 characters, a template of at most 1,000.
        template = template is { Length: > 0 and <= 1_000 } ? template : null;
        var rules = analysis.Behaviours
            .Select(b => b.ExceptionType is { Length: > 200 } ? b with { ExceptionType = null } : b)
            .Where(b => b.ExceptionType is not null || template is not null)
            .ToList();
        if (rules.Count == 0)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("id", Id(fingerprint));
            json.WriteString("version", "1.0.0");
            json.WriteString("platform", $"^{HealingPlatform.Version.Major}.0.0");
            json.WriteStartObject("permissions");
            json.WriteStartArray("kinds");
            foreach (var kind in rules.Select(r => r.Kind).Distinct(StringComparer.Ordinal))
            {
                json.WriteStringValue(kind);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("rules");
            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i];
                json.WriteStartObject();
                json.WriteString("id", $"{rule.From.ToString().ToLowerInvariant()}-{i + 1}");
                json.WriteStartObject("match");
                Match(json, rule, template);
                json.WriteEndObject();
                json.WriteStartObject("propose");
                json.WriteString("kind", rule.Kind);
                json.WriteStartObject("parameters");
                foreach (var (name, value) in rule.Parameters)
                {
                    json.WriteString(name, value);
                }

                json.WriteEndObject();
                json.WriteNumber("priority", rule.Priority);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();

            // The rule with the highest priority (the first written among equals) is what the situation should get.
            var best = rules.Select((r, order) => (Rule: r, Order: order)).OrderByDescending(x => x.Rule.Priority).ThenBy(x => x.Order).First().Rule;
            json.WriteStartArray("tests");
            json.WriteStartObject();
            json.WriteString("name", $"the fixed error gets {best.Kind}");
            json.WriteStartObject("situation");
            Match(json, best, template);
            json.WriteEndObject();
            json.WriteString("expect", best.Kind);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Match(Utf8JsonWriter json, CandidateRule rule, string? template)
    {
        if (rule.ExceptionType is { } type)
        {
            json.WriteString("exceptionType", type);
        }
        else
        {
            json.WriteString("template", template);
        }
    }

    // "fix." and the fingerprint id in the module id alphabet (lower-case words joined by dashes), at most 64 characters.
    private static string Id(string fingerprint)
    {
        var words = new StringBuilder();
        foreach (var c in fingerprint.ToLowerInvariant())
        {
            var letter = c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
            if (letter)
            {
                words.Append(c);
            }
            else if (words.Length > 0 && words[^1] != '-')
            {
                words.Append('-');
            }
        }

        var name = words.ToString().Trim('-');
        name = name.Length > 60 ? name[..60].TrimEnd('-') : name;
        return name.Length == 0 ? "fix.module" : $"fix.{name}";
    }
}
