using HealingGrains.Silo.Otlp.Proto.Collector.Logs;
using HealingGrains.Silo.Otlp.Proto.Logs;

namespace HealingGrains.Silo.Otlp;

/// <summary>
/// Log records that report an error become error events: a record with <c>exception.type</c>,
/// <c>exception.message</c> or <c>exception.stacktrace</c>, or of severity ERROR or FATAL (by number, or by text when
/// the number is unset). The message is <c>exception.message</c>, else the body; other records are accepted and not kept.
/// </summary>
internal static class OtlpLogs
{
    private static readonly HashSet<string> ErrorSeverityTexts = new(StringComparer.OrdinalIgnoreCase)
    {
        "error", "err", "fatal", "critical", "crit", "alert", "emerg", "emergency", "panic", "severe",
    };

    public static int Count(ExportLogsServiceRequest request) =>
        request.ResourceLogs.Sum(r => r.ScopeLogs.Sum(s => s.LogRecords.Count));

    public static async Task ConvertAsync(ExportLogsServiceRequest request, OtlpDeploymentResolver resolver, OtlpIngest ingest, DateTimeOffset receivedAt)
    {
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var records = resourceLogs.ScopeLogs.Sum(s => s.LogRecords.Count);
            if (records == 0)
            {
                continue;
            }

            var target = await resolver.ResolveAsync(resourceLogs.Resource);
            if (target.Deployment is not { } deployment)
            {
                ingest.Reject(records, target.Error!);
                continue;
            }

            var resourceAttributes = OtlpEvents.FromResource(resourceLogs.Resource);
            foreach (var record in resourceLogs.ScopeLogs.SelectMany(s => s.LogRecords))
            {
                if (!IsError(record))
                {
                    continue;
                }

                var (e, reason) = OtlpEvents.Error(
                    target,
                    OtlpValues.Time(record.TimeUnixNano) ?? OtlpValues.Time(record.ObservedTimeUnixNano) ?? receivedAt,
                    OtlpValues.Get(record.Attributes, OtlpEvents.ExceptionType),
                    OtlpValues.Get(record.Attributes, OtlpEvents.ExceptionMessage) ?? OtlpValues.Text(record.Body),
                    OtlpValues.Get(record.Attributes, OtlpEvents.ExceptionStacktrace),
                    resourceAttributes,
                    record.Attributes,
                    ("trace_id", OtlpValues.Hex(record.TraceId)),
                    ("span_id", OtlpValues.Hex(record.SpanId)),
                    ("severity", string.IsNullOrEmpty(record.SeverityText) ? null : record.SeverityText));
                if (e is null)
                {
                    ingest.Reject(1, reason!);
                }
                else
                {
                    ingest.Add(deployment, e);
                }
            }
        }
    }

    public static bool IsError(LogRecord record) =>
        record.Attributes.Any(a => a.Key is OtlpEvents.ExceptionType or OtlpEvents.ExceptionMessage or OtlpEvents.ExceptionStacktrace)
        || record.SeverityNumber >= SeverityNumber.Error
        || (record.SeverityNumber == SeverityNumber.Unspecified && ErrorSeverityTexts.Contains(record.SeverityText.Trim()));
}
