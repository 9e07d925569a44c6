using System.Text;
using System.Text.Json;
using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Silo.Api;

/// <summary>Checks telemetry events against the contract and turns them into stream events; every failure names its field.</summary>
internal static class TelemetryValidator
{
    /// <summary>The longest string accepted, in UTF-8 bytes: 32 KiB.</summary>
    public const int MaxStringBytes = 32 * 1024;

    /// <summary>The most attributes one event may carry.</summary>
    public const int MaxAttributes = 64;

    public static List<DiagnosticEvent> Validate(
        IReadOnlyList<TelemetryEventModel?>? events, DateTimeOffset receivedAt, Dictionary<string, string[]> errors)
    {
        var result = new List<DiagnosticEvent>(events?.Count ?? 0);
        if (events is null || events.Count == 0)
        {
            errors["events"] = ["Required: 1 to 1,000 events."];
            return result;
        }

        for (var i = 0; i < events.Count; i++)
        {
            var path = $"events[{i}]";
            if (events[i] is not { } e)
            {
                errors[path] = ["An event must be a JSON object."];
                continue;
            }

            var before = errors.Count;
            foreach (var (field, value) in new[]
            {
                ("service", e.Service), ("version", e.Version), ("message", e.Message), ("exceptionType", e.ExceptionType),
                ("stackTrace", e.StackTrace), ("name", e.Name), ("kind", e.Kind),
            })
            {
                CheckLength(errors, $"{path}.{field}", value);
            }

            var attributes = Attributes(e.Attributes, $"{path}.attributes", errors);
            var kind = e.Kind?.ToLowerInvariant() switch
            {
                "error" => DiagnosticEventKind.Error,
                "metric" => DiagnosticEventKind.Metric,
                _ => (DiagnosticEventKind?)null,
            };

            if (kind is null)
            {
                errors[$"{path}.kind"] = ["Required: 'error' or 'metric'."];
            }
            else if (kind == DiagnosticEventKind.Error && string.IsNullOrWhiteSpace(e.Message) && string.IsNullOrWhiteSpace(e.ExceptionType))
            {
                errors[$"{path}.message"] = ["An error needs a message or an exceptionType."];
            }
            else if (kind == DiagnosticEventKind.Metric)
            {
                if (string.IsNullOrWhiteSpace(e.Name))
                {
                    errors[$"{path}.name"] = ["A metric needs a name."];
                }

                if (e.Value is not { } v || !double.IsFinite(v))
                {
                    errors[$"{path}.value"] = ["A metric needs a finite numeric value."];
                }
            }

            if (errors.Count > before)
            {
                continue;
            }

            result.Add(new DiagnosticEvent
            {
                Kind = kind!.Value,
                Timestamp = e.Timestamp ?? receivedAt,
                Service = e.Service,
                Version = e.Version,
                Message = e.Message,
                ExceptionType = e.ExceptionType,
                StackTrace = e.StackTrace,
                Name = e.Name,
                Value = e.Value ?? 0,
                Attributes = attributes,
            });
        }

        return result;
    }

    private static Dictionary<string, string>? Attributes(
        Dictionary<string, JsonElement>? attributes, string path, Dictionary<string, string[]> errors)
    {
        if (attributes is null || attributes.Count == 0)
        {
            return null;
        }

        if (attributes.Count > MaxAttributes)
        {
            errors[path] = [$"At most {MaxAttributes} attributes."];
            return null;
        }

        var result = new Dictionary<string, string>(attributes.Count, StringComparer.Ordinal);
        foreach (var (name, value) in attributes)
        {
            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            };

            if (text is null)
            {
                errors[$"{path}.{name}"] = ["An attribute's value must be a string, a number or a boolean."];
                continue;
            }

            CheckLength(errors, $"{path}.{name}", name);
            CheckLength(errors, $"{path}.{name}", text);
            result[name] = text;
        }

        return result;
    }

    private static void CheckLength(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (value is not null && value.Length > MaxStringBytes / 3 && Encoding.UTF8.GetByteCount(value) > MaxStringBytes)
        {
            errors[field] = [$"At most {MaxStringBytes} bytes (32 KiB) in UTF-8; nothing is truncated, so shorten it."];
        }
    }
}
