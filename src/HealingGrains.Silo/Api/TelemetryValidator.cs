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
            // The paths that name a field are built only for an error: a valid event allocates nothing here.
            if (events[i] is not { } e)
            {
                errors[Path(i)] = ["An event must be a JSON object."];
                continue;
            }

            var before = errors.Count;
            CheckLength(errors, i, "service", e.Service);
            CheckLength(errors, i, "version", e.Version);
            CheckLength(errors, i, "message", e.Message);
            CheckLength(errors, i, "exceptionType", e.ExceptionType);
            CheckLength(errors, i, "stackTrace", e.StackTrace);
            CheckLength(errors, i, "name", e.Name);
            CheckLength(errors, i, "kind", e.Kind);

            var attributes = Attributes(e.Attributes, i, errors);
            var kind = Kind(e.Kind);
            if (kind is null)
            {
                errors[Path(i, "kind")] = ["Required: 'error' or 'metric'."];
            }
            else if (kind == DiagnosticEventKind.Error && string.IsNullOrWhiteSpace(e.Message) && string.IsNullOrWhiteSpace(e.ExceptionType))
            {
                errors[Path(i, "message")] = ["An error needs a message or an exceptionType."];
            }
            else if (kind == DiagnosticEventKind.Metric)
            {
                if (string.IsNullOrWhiteSpace(e.Name))
                {
                    errors[Path(i, "name")] = ["A metric needs a name."];
                }

                if (e.Value is not { } v || !double.IsFinite(v))
                {
                    errors[Path(i, "value")] = ["A metric needs a finite numeric value."];
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

    private static string Path(int index) => $"events[{index}]";

    private static string Path(int index, string field) => $"events[{index}].{field}";

    // 'error' or 'metric' in any case, without lowering a copy of the text.
    private static DiagnosticEventKind? Kind(string? kind) =>
        string.Equals(kind, "error", StringComparison.OrdinalIgnoreCase) ? DiagnosticEventKind.Error
        : string.Equals(kind, "metric", StringComparison.OrdinalIgnoreCase) ? DiagnosticEventKind.Metric
        : null;

    private static Dictionary<string, string>? Attributes(
        Dictionary<string, JsonElement>? attributes, int index, Dictionary<string, string[]> errors)
    {
        if (attributes is null || attributes.Count == 0)
        {
            return null;
        }

        if (attributes.Count > MaxAttributes)
        {
            errors[Path(index, "attributes")] = [$"At most {MaxAttributes} attributes."];
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
                errors[Path(index, $"attributes.{name}")] = ["An attribute's value must be a string, a number or a boolean."];
                continue;
            }

            if (TooLong(name) || TooLong(text))
            {
                errors[Path(index, $"attributes.{name}")] = [TooLongError];
            }

            result[name] = text;
        }

        return result;
    }

    private static readonly string TooLongError = $"At most {MaxStringBytes} bytes (32 KiB) in UTF-8; nothing is truncated, so shorten it.";

    private static bool TooLong(string? value) =>
        value is not null && value.Length > MaxStringBytes / 3 && Encoding.UTF8.GetByteCount(value) > MaxStringBytes;

    private static void CheckLength(Dictionary<string, string[]> errors, int index, string field, string? value)
    {
        if (TooLong(value))
        {
            errors[Path(index, field)] = [TooLongError];
        }
    }
}
