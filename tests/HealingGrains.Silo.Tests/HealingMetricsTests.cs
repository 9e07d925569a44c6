using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using HealingGrains.Grains.Telemetry;

namespace HealingGrains.Silo.Tests;

/// <summary>The healing loop's own metrics move as the loop does (other tests run beside it, so counts are at least).</summary>
[Collection(HostCollection.Name)]
public sealed class HealingMetricsTests(HostFixture fixture)
{
    [Fact]
    public async Task ProposalsDecisionsAndOutcomesAreCounted()
    {
        var measured = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HealingMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measured.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => measured.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        var seconds = new ConcurrentDictionary<string, double>();
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => seconds.AddOrUpdate(instrument.Name, value, (_, most) => Math.Max(most, value)));
        listener.Start();

        var tenant = await fixture.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod", "restart", "scale-out");
        await tenant.Ingest.SendErrorsAsync("shop-prod", "Inventory timed out after 3000 ms");
        var id = await PendingAsync(tenant);
        (await tenant.Admin.PostAsJsonAsync($"/api/v1/actions/{id}/approve", new { comment = "go" }, Api.Ct)).EnsureSuccessStatusCode();
        (await tenant.Ingest.PostAsJsonAsync($"/api/v1/actions/{id}/outcome", new { succeeded = true }, Api.Ct)).EnsureSuccessStatusCode();

        await tenant.Ingest.SendErrorsAsync("shop-prod", "Disk quota exceeded on volume 7");
        var second = await PendingAsync(tenant, except: id);
        (await tenant.Admin.PostAsJsonAsync($"/api/v1/actions/{second}/reject", new { comment = "no" }, Api.Ct)).EnsureSuccessStatusCode();

        foreach (var name in new[]
        {
            "healinggrains.events.ingested", "healinggrains.fingerprints.created", "healinggrains.actions.proposed",
            "healinggrains.actions.approved", "healinggrains.actions.rejected", "healinggrains.actions.outcomes",
        })
        {
            Assert.True(measured.GetValueOrDefault(name) >= 1, $"{name}: {measured.GetValueOrDefault(name)}");
        }

        Assert.True(measured.GetValueOrDefault("healinggrains.actions.proposed") >= 2);

        // Ingest's own timings: batch sizes as published, and the time to the fingerprints updated, in seconds.
        Assert.True(measured.GetValueOrDefault("healinggrains.ingest.batch_size") >= 2);
        Assert.InRange(seconds.GetValueOrDefault("healinggrains.ingest.latency", -1), 0, 60);
        Assert.InRange(seconds.GetValueOrDefault("healinggrains.stream.lag", -1), 0, seconds["healinggrains.ingest.latency"]);
    }

    // Admission's inputs and decision, read when collected: after ingest the host has processed and accepted events, and,
    // under no load, sheds nothing.
    [Fact]
    public async Task AdmissionsViewIsPublishedAsGauges()
    {
        var tenant = await fixture.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod", "restart");
        await tenant.Ingest.SendErrorsAsync("shop-prod", "Cart service timed out after 800 ms");

        // This host's gauges only: the other test hosts in this process publish theirs under the same names, and an idle
        // one's zeros read last had made this test fail.
        var meters = fixture.Host.Services.GetRequiredService<IMeterFactory>();
        var values = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Meter.Name == HealingMetrics.MeterName
                && instrument.Name.StartsWith("healinggrains.admission.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();

        // The rates are of about the last second: sent again until a reading finds the events processed and offered.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            listener.RecordObservableInstruments();
            // The offered rate is published as a request is offered, before its events are accepted: it trails the
            // accepted rate by a request, so it is waited for too (in events, it is about the accepted rate here).
            var accepted = values.GetValueOrDefault("healinggrains.admission.accepted_rate");
            if (values.GetValueOrDefault("healinggrains.admission.processed_rate") > 0 && accepted > 0
                && values.GetValueOrDefault("healinggrains.admission.offered_rate") >= accepted * 0.5)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "admission's gauges never showed the events processed and offered: " + string.Join(", ", values));
            await tenant.Ingest.SendErrorsAsync("shop-prod", "Cart service timed out after 900 ms");
            await Task.Delay(50, Api.Ct);
        }

        Assert.Equal(0, values["healinggrains.admission.shed_share"]);
        Assert.InRange(values["healinggrains.admission.lag"], 0, 60);
        Assert.InRange(values["healinggrains.admission.dispatch_delay"], 0, 60);
    }

    private static async Task<string> PendingAsync(HostFixture.Tenant tenant, string? except = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var list = await (await tenant.Admin.GetAsync("/api/v1/actions?state=pending-approval", Api.Ct)).JsonAsync();
            var id = list.EnumerateArray().Select(a => a.GetProperty("id").GetString()!).FirstOrDefault(a => a != except);
            if (id is not null)
            {
                return id;
            }

            Assert.True(DateTime.UtcNow < deadline, "No pending action was proposed.");
            await Task.Delay(20, Api.Ct);
        }
    }
}
