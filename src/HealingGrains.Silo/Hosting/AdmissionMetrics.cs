using System.Diagnostics.Metrics;
using HealingGrains.Grains.Telemetry;
using Microsoft.Extensions.Options;

namespace HealingGrains.Silo.Hosting;

/// <summary>
/// What admission control sees and decides, as gauges on the <c>HealingGrains</c> meter, so that an operator can tell
/// why a host sheds: the share it sheds now and the inputs of that share (see <see cref="AdmissionOptions.ShedShare(IngestPressure, TimeSpan)"/>).
/// Read when a listener collects (about once a second for <c>dotnet-counters</c>), never on a request's path.
/// </summary>
internal sealed class AdmissionMetrics
{
    private readonly Meter _meter;

    // From the host's meter factory, which owns and disposes it: a listener can tell this host's gauges from those of
    // another host in the same process (the tests run several) by the meter's scope.
    public AdmissionMetrics(IMeterFactory meters, IngestPressure pressure, DispatchDelay dispatch, IOptions<AdmissionOptions> options)
    {
        _meter = meters.Create(HealingMetrics.MeterName);
        var admission = options.Value;
        _meter.CreateObservableGauge("healinggrains.admission.shed_share", () => admission.ShedShare(pressure, dispatch.Current), "1",
            "The share of new ingest requests admission sheds now (503), from 0 to 1.");
        _meter.CreateObservableGauge("healinggrains.admission.lag", () => pressure.Lag.TotalSeconds, "s",
            "The stream lag admission sees: a moving average of acceptance to processing, 0 when nothing was processed lately.");
        _meter.CreateObservableGauge("healinggrains.admission.processed_rate", () => pressure.PeakEventsPerSecond, "{event}/s",
            "The most events processed per second lately: what admission admits once it sheds.");
        _meter.CreateObservableGauge("healinggrains.admission.offered_rate", () => Known(pressure.OfferedEventsPerSecond), "{event}/s",
            "The events offered per second, shed or not (none while nothing passed admission lately).");
        _meter.CreateObservableGauge("healinggrains.admission.accepted_rate", () => pressure.AcceptedEventsPerSecond, "{event}/s",
            "The events accepted (published) per second.");
        _meter.CreateObservableGauge("healinggrains.admission.dispatch_delay", () => dispatch.Current.TotalSeconds, "s",
            "How long work waits in this process's thread pool queue.");
    }

    private static IEnumerable<Measurement<double>> Known(double value) => double.IsNaN(value) ? [] : [new Measurement<double>(value)];
}
