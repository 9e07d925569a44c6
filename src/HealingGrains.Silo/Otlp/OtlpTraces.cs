using HealingGrains.Silo.Otlp.Proto.Collector.Trace;

namespace HealingGrains.Silo.Otlp;

/// <summary>
/// Spans carry exceptions as events named <c>exception</c> (<c>Activity.AddException</c>, <c>RecordException</c>); each
/// becomes an error event with the span's name and ids as attributes. Spans without one are accepted and not kept.
/// </summary>
internal static class OtlpTraces
{
    public static int Count(ExportTraceServiceRequest request) =>
        request.ResourceSpans.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count));

    public static async Task ConvertAsync(ExportTraceServiceRequest request, OtlpDeploymentResolver resolver, OtlpIngest ingest, DateTimeOffset receivedAt)
    {
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var spans = resourceSpans.ScopeSpans.Sum(s => s.Spans.Count);
            if (spans == 0)
            {
                continue;
            }

            var target = await resolver.ResolveAsync(resourceSpans.Resource);
            if (target.Deployment is not { } deployment)
            {
                ingest.Reject(spans, target.Error!);
                continue;
            }

            var resourceAttributes = OtlpEvents.FromResource(resourceSpans.Resource);
            foreach (var span in resourceSpans.ScopeSpans.SelectMany(s => s.Spans))
            {
                var errors = new List<Abstractions.Contracts.DiagnosticEvent>();
                string? rejected = null;
                foreach (var exception in span.Events.Where(e => e.Name == "exception"))
                {
                    var (e, reason) = OtlpEvents.Error(
                        target,
                        OtlpValues.Time(exception.TimeUnixNano) ?? OtlpValues.Time(span.EndTimeUnixNano) ?? receivedAt,
                        OtlpValues.Get(exception.Attributes, OtlpEvents.ExceptionType),
                        OtlpValues.Get(exception.Attributes, OtlpEvents.ExceptionMessage),
                        OtlpValues.Get(exception.Attributes, OtlpEvents.ExceptionStacktrace),
                        resourceAttributes,
                        null,
                        ("span.name", span.Name),
                        ("trace_id", OtlpValues.Hex(span.TraceId)),
                        ("span_id", OtlpValues.Hex(span.SpanId)));
                    if (e is null)
                    {
                        rejected ??= reason;
                    }
                    else
                    {
                        errors.Add(e);
                    }
                }

                if (rejected is not null)
                {
                    ingest.Reject(1, rejected);
                    continue;
                }

                foreach (var e in errors)
                {
                    ingest.Add(deployment, e);
                }
            }
        }
    }
}
