using Google.Protobuf.Collections;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Silo.Otlp.Proto.Collector.Metrics;
using HealingGrains.Silo.Otlp.Proto.Common;
using HealingGrains.Silo.Otlp.Proto.Metrics;

namespace HealingGrains.Silo.Otlp;

/// <summary>
/// Metrics become metric points, one per metric name and timestamp of a resource:
/// <list type="bullet">
/// <item>gauge: the value; several attribute sets at one time: the highest (the most saturated one decides);</item>
/// <item>sum, not monotonic (an up-down counter): the value; attribute sets add up;</item>
/// <item>sum, monotonic (a counter): its rate per second over the point's interval (delta: start to time; cumulative:
/// since the series' previous point, or its start time for the first one); attribute sets add up;</item>
/// <item>histogram, exponential histogram, summary: the mean of what was recorded in the interval
/// (sum ÷ count, the same intervals as counters); attribute sets pool.</item>
/// </list>
/// A point flagged "no recorded value", or whose interval recorded nothing, is accepted and yields nothing.
/// </summary>
internal static class OtlpMetrics
{
    /// <summary>The longest metric name accepted (OpenTelemetry's instrument name limit).</summary>
    public const int MaxNameLength = 255;

    public static int Count(ExportMetricsServiceRequest request) =>
        request.ResourceMetrics.Sum(r => r.ScopeMetrics.Sum(s => s.Metrics.Sum(Points)));

    public static async Task ConvertAsync(
        ExportMetricsServiceRequest request, OtlpDeploymentResolver resolver, OtlpIngest ingest, DateTimeOffset receivedAt,
        OtlpCumulativeSeries cumulative, string tenantId)
    {
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var points = resourceMetrics.ScopeMetrics.Sum(s => s.Metrics.Sum(Points));
            if (points == 0)
            {
                continue;
            }

            var target = await resolver.ResolveAsync(resourceMetrics.Resource);
            if (target.Deployment is not { } deployment)
            {
                ingest.Reject(points, target.Error!);
                continue;
            }

            var resource = Canonical(resourceMetrics.Resource?.Attributes);
            var aggregates = new Dictionary<(string Name, DateTimeOffset At), Aggregate>();
            foreach (var scope in resourceMetrics.ScopeMetrics)
            {
                foreach (var metric in scope.Metrics)
                {
                    var context = new Context(tenantId, deployment, resource, scope.Scope?.Name ?? "", metric.Name, receivedAt, cumulative, aggregates, ingest);
                    if (string.IsNullOrWhiteSpace(metric.Name) || metric.Name.Length > MaxNameLength)
                    {
                        ingest.Reject(Points(metric), $"A metric needs a name of 1 to {MaxNameLength} characters.");
                        continue;
                    }

                    Convert(metric, context);
                }
            }

            foreach (var ((name, at), aggregate) in aggregates)
            {
                if (aggregate.Result() is { } value && double.IsFinite(value))
                {
                    ingest.Add(deployment, new DiagnosticEvent
                    {
                        Kind = DiagnosticEventKind.Metric,
                        Timestamp = at,
                        Service = target.Service,
                        Version = target.Version,
                        Name = name,
                        Value = value,
                    });
                }
            }
        }
    }

    private static void Convert(Metric metric, Context context)
    {
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                foreach (var point in metric.Gauge.DataPoints)
                {
                    if (Usable(point.Flags) && context.Number(point) is { } value)
                    {
                        context.Add(point.TimeUnixNano, Mode.Max, value, 1);
                    }
                }

                break;
            case Metric.DataOneofCase.Sum:
                var sum = metric.Sum;
                foreach (var point in sum.DataPoints)
                {
                    if (!Usable(point.Flags) || context.Number(point) is not { } value)
                    {
                        continue;
                    }

                    if (!sum.IsMonotonic)
                    {
                        context.Add(point.TimeUnixNano, Mode.Sum, value, 1);
                    }
                    else if (context.Interval(sum.AggregationTemporality, point.Attributes, point.StartTimeUnixNano, point.TimeUnixNano, value, 0) is { } interval)
                    {
                        if (interval.Seconds > 0)
                        {
                            context.Add(point.TimeUnixNano, Mode.Sum, interval.Value / interval.Seconds, 1);
                        }
                        else
                        {
                            context.Ingest.Reject(1, $"A delta point of counter '{metric.Name}' needs a start time before its time to give a rate.");
                        }
                    }
                }

                break;
            case Metric.DataOneofCase.Histogram:
                foreach (var point in metric.Histogram.DataPoints)
                {
                    context.Mean(metric.Histogram.AggregationTemporality, point.Flags, point.Attributes, point.StartTimeUnixNano, point.TimeUnixNano, point.HasSum ? point.Sum : null, point.Count);
                }

                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                foreach (var point in metric.ExponentialHistogram.DataPoints)
                {
                    context.Mean(metric.ExponentialHistogram.AggregationTemporality, point.Flags, point.Attributes, point.StartTimeUnixNano, point.TimeUnixNano, point.HasSum ? point.Sum : null, point.Count);
                }

                break;
            case Metric.DataOneofCase.Summary:
                foreach (var point in metric.Summary.DataPoints)
                {
                    context.Mean(AggregationTemporality.Cumulative, point.Flags, point.Attributes, point.StartTimeUnixNano, point.TimeUnixNano, point.Sum, point.Count);
                }

                break;
        }
    }

    private static bool Usable(uint flags) => (flags & (uint)DataPointFlags.NoRecordedValueMask) == 0;

    private static int Points(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Count,
        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Count,
        Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Count,
        Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.Count,
        Metric.DataOneofCase.Summary => metric.Summary.DataPoints.Count,
        _ => 0,
    };

    private static string Canonical(RepeatedField<KeyValue>? attributes) =>
        attributes is null
            ? ""
            : string.Join('\u001e', attributes.Select(a => $"{a.Key}={OtlpValues.Text(a.Value)}").Order(StringComparer.Ordinal));

    private enum Mode
    {
        Max,
        Sum,
        Mean,
    }

    private sealed class Aggregate(Mode mode)
    {
        private double _value = mode == Mode.Max ? double.NegativeInfinity : 0;
        private double _count;

        public Mode Mode { get; } = mode;

        public void Add(double value, double count)
        {
            _value = Mode == Mode.Max ? Math.Max(_value, value) : _value + value;
            _count += count;
        }

        public double? Result() => Mode switch
        {
            Mode.Mean => _count > 0 ? _value / _count : null,
            _ => _count > 0 ? _value : null,
        };
    }

    private sealed record Context(
        string TenantId, string Deployment, string Resource, string Scope, string Name, DateTimeOffset ReceivedAt,
        OtlpCumulativeSeries Cumulative, Dictionary<(string Name, DateTimeOffset At), Aggregate> Aggregates, OtlpIngest Ingest)
    {
        public double? Number(NumberDataPoint point)
        {
            double? value = point.ValueCase switch
            {
                NumberDataPoint.ValueOneofCase.AsDouble => point.AsDouble,
                NumberDataPoint.ValueOneofCase.AsInt => point.AsInt,
                _ => null,
            };
            if (value is not { } v || !double.IsFinite(v))
            {
                Ingest.Reject(1, $"A data point of '{Name}' has no finite value.");
                return null;
            }

            return v;
        }

        /// <summary>The mean of what a histogram or summary point recorded in its interval.</summary>
        public void Mean(AggregationTemporality temporality, uint flags, RepeatedField<KeyValue> attributes, ulong start, ulong time, double? sum, ulong count)
        {
            if (!OtlpMetrics.Usable(flags))
            {
                return;
            }

            if (sum is not { } total || !double.IsFinite(total))
            {
                Ingest.Reject(1, $"A point of '{Name}' has no finite sum, so no mean can be kept.");
                return;
            }

            if (Interval(temporality, attributes, start, time, total, count) is { Count: > 0 } interval)
            {
                Add(time, Mode.Mean, interval.Value, interval.Count);
            }
        }

        public OtlpInterval? Interval(AggregationTemporality temporality, RepeatedField<KeyValue> attributes, ulong start, ulong time, double value, double count)
        {
            if (temporality == AggregationTemporality.Delta)
            {
                return new OtlpInterval(value, count, start > 0 && time > start ? (time - start) / 1e9 : 0);
            }

            var series = OtlpCumulativeSeries.Identity(TenantId, Deployment, Resource, Scope, Name, Canonical(attributes));
            return Cumulative.Next(series, start, time, value, count);
        }

        public void Add(ulong timeNanos, Mode mode, double value, double count)
        {
            var key = (Name, OtlpValues.Time(timeNanos) ?? ReceivedAt);
            if (!Aggregates.TryGetValue(key, out var aggregate))
            {
                aggregate = new Aggregate(mode);
                Aggregates[key] = aggregate;
            }

            if (aggregate.Mode == mode)
            {
                aggregate.Add(value, count);
            }
        }
    }
}
