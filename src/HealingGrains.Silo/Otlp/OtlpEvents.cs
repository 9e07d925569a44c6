using System.Text;
using Google.Protobuf.Collections;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Silo.Api;
using HealingGrains.Silo.Otlp.Proto.Common;
using HealingGrains.Silo.Otlp.Proto.Resource;

namespace HealingGrains.Silo.Otlp;

/// <summary>Error events and attributes built from OTLP records, within the limits the JSON API keeps.</summary>
internal static class OtlpEvents
{
    public const string ExceptionType = "exception.type";
    public const string ExceptionMessage = "exception.message";
    public const string ExceptionStacktrace = "exception.stacktrace";

    /// <summary>The attribute that says which texts were shortened (only stack traces ever are).</summary>
    public const string TruncatedAttribute = "otlp.truncated";

    /// <summary>The attribute that says how many attributes were left out (past the cap, too long, or not scalars).</summary>
    public const string DroppedAttribute = "otlp.dropped_attributes";

    // Resource attributes that say where an error happened; others (command lines, environment) may hold secrets.
    private static readonly string[] ResourceKeys =
    [
        "host.name", "host.id", "service.namespace", "service.instance.id", "cloud.region", "cloud.availability_zone",
        "k8s.namespace.name", "k8s.pod.name", "k8s.node.name", "container.name", "container.id",
    ];

    /// <summary>The resource attributes kept on every event of that resource.</summary>
    public static List<KeyValuePair<string, string>> FromResource(Resource? resource)
    {
        var kept = new List<KeyValuePair<string, string>>();
        foreach (var key in ResourceKeys)
        {
            if (OtlpValues.Get(resource?.Attributes, key) is { } value && Fits(value))
            {
                kept.Add(new(key, value));
            }
        }

        return kept;
    }

    /// <summary>
    /// An error event, or the reason the record is rejected: a message or exception type over 32 KiB is refused (never
    /// cut); a stack trace over 32 KiB keeps its first lines and is marked in <see cref="TruncatedAttribute"/>, since
    /// fingerprints read only the top frames.
    /// </summary>
    public static (DiagnosticEvent? Event, string? Reason) Error(
        OtlpTarget target, DateTimeOffset timestamp, string? exceptionType, string? message, string? stackTrace,
        List<KeyValuePair<string, string>> resourceAttributes, RepeatedField<KeyValue>? own, params (string Key, string? Value)[] extra)
    {
        exceptionType = string.IsNullOrWhiteSpace(exceptionType) ? null : Qualified(exceptionType, stackTrace);
        message = string.IsNullOrWhiteSpace(message) ? null : message;
        if (exceptionType is null && message is null)
        {
            return (null, "An error record needs a body, exception.message or exception.type.");
        }

        if (!Fits(exceptionType) || !Fits(message))
        {
            return (null, $"An error's message or exception type is over {TelemetryValidator.MaxStringBytes} bytes; it is refused, never truncated.");
        }

        var attributes = Attributes(resourceAttributes, own, extra);
        if (!Fits(stackTrace))
        {
            stackTrace = Cut(stackTrace!);
            attributes[TruncatedAttribute] = ExceptionStacktrace;
        }

        return (new DiagnosticEvent
        {
            Kind = DiagnosticEventKind.Error,
            Timestamp = timestamp,
            Service = target.Service,
            Version = target.Version,
            Message = message,
            ExceptionType = exceptionType,
            StackTrace = string.IsNullOrWhiteSpace(stackTrace) ? null : stackTrace,
            Attributes = attributes.Count == 0 ? null : attributes,
        }, null);
    }

    public static bool Fits(string? text) =>
        text is null || text.Length <= TelemetryValidator.MaxStringBytes / 3 || Encoding.UTF8.GetByteCount(text) <= TelemetryValidator.MaxStringBytes;

    private static Dictionary<string, string> Attributes(
        List<KeyValuePair<string, string>> resourceAttributes, RepeatedField<KeyValue>? own, (string Key, string? Value)[] extra)
    {
        // One place is kept for the marker of what was left out.
        const int room = TelemetryValidator.MaxAttributes - 1;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var dropped = 0;
        void Add(string key, string? value)
        {
            if (value is null)
            {
                return;
            }

            if (result.Count >= room || key.Length == 0 || !Fits(key) || !Fits(value))
            {
                dropped++;
                return;
            }

            result[key] = value;
        }

        foreach (var (key, value) in extra)
        {
            Add(key, value);
        }

        foreach (var (key, value) in resourceAttributes)
        {
            Add(key, value);
        }

        foreach (var attribute in own ?? [])
        {
            if (attribute.Key.StartsWith("exception.", StringComparison.Ordinal) || attribute.Key == "{OriginalFormat}")
            {
                continue;
            }

            if (OtlpValues.IsScalar(attribute.Value))
            {
                Add(attribute.Key, OtlpValues.Text(attribute.Value));
            }
            else
            {
                dropped++;
            }
        }

        if (dropped > 0)
        {
            result[DroppedAttribute] = dropped.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return result;
    }

    // The .NET SDK sends the type's short name (TimeoutException); its stack text starts with the full one, which the
    // JSON API receives and fingerprints read, so the same error is one fingerprint whichever way it came.
    private static string Qualified(string type, string? stackTrace)
    {
        if (type.Contains('.', StringComparison.Ordinal) || string.IsNullOrEmpty(stackTrace))
        {
            return type;
        }

        var colon = stackTrace.IndexOf(':', StringComparison.Ordinal);
        var head = colon > 0 ? stackTrace[..colon].Trim() : "";
        return head.EndsWith("." + type, StringComparison.Ordinal) && !head.Contains(' ', StringComparison.Ordinal) ? head : type;
    }

    private static string Cut(string stackTrace)
    {
        var limit = TelemetryValidator.MaxStringBytes / 4;
        var cut = stackTrace[..Math.Min(stackTrace.Length, limit)];
        var lastLine = cut.LastIndexOf('\n');
        return lastLine > 0 ? cut[..lastLine] : cut;
    }
}
