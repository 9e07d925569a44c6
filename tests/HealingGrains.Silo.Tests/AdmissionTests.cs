using HealingGrains.Grains.Telemetry;

namespace HealingGrains.Silo.Tests;

/// <summary>Overload protection on the ingest endpoints: a tenant over its rate gets 429, a lagging host 503, both with Retry-After.</summary>
public sealed class AdmissionTests : IAsyncLifetime
{
    private readonly HealingHost _host = new(HealingHost.NewDataDirectory(), HostFixture.OperatorKey, new Dictionary<string, string?>
    {
        ["HealingGrains:Admission:TenantRequestsPerSecond"] = "1",
        ["HealingGrains:Admission:TenantBurst"] = "2",
    });

    public ValueTask InitializeAsync()
    {
        _ = _host.Server;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task<(HttpClient Admin, HttpClient Ingest)> TenantAsync(string id)
    {
        var created = await (await _host.ClientWithKey(HostFixture.OperatorKey).PostAsJsonAsync("/api/v1/tenants", new { id, name = id }, Api.Ct)).JsonAsync();
        var admin = _host.ClientWithKey(created.GetProperty("adminKey").GetString()!);
        Assert.True((await admin.PutDeploymentAsync("shop-prod")).IsSuccessStatusCode);
        return (admin, _host.ClientWithKey(created.GetProperty("ingestKey").GetString()!));
    }

    [Fact]
    public async Task ATenantOverItsRateIsToldToRetryLaterAndOtherTenantsAreNot()
    {
        var (_, noisy) = await TenantAsync("noisy");
        var (_, quiet) = await TenantAsync("quiet");

        // Ten at once: two fit the burst, and at most a second's worth more can have been replenished meanwhile.
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => noisy.SendErrorsAsync("shop-prod", $"Order {i} failed")));

        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Accepted);
        Assert.True(answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests) >= 5, string.Join(", ", answers.Select(a => (int)a.StatusCode)));
        var refused = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Contains("ingest requests per second", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, (await quiet.SendErrorsAsync("shop-prod", "Order 1 failed")).StatusCode);

        // OTLP is ingest too, answered in its own protocol.
        var otlps = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => noisy.PostAsync("/v1/logs", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), Api.Ct)));
        var otlp = otlps.First(o => o.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(otlp.Headers.Contains("Retry-After"));
        Assert.Equal("application/json", otlp.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task WhileProcessingLagsTheHostShedsIngestWith503AndTakesItAgainOnceCaughtUp()
    {
        var (admin, ingest) = await TenantAsync("lagging");
        var pressure = _host.Services.GetRequiredService<IngestPressure>();

        pressure.Observe(TimeSpan.FromSeconds(30));
        var shed = await ingest.SendErrorsAsync("shop-prod", "Order 1 failed");

        var problem = await ProblemAssert.IsProblemAsync(shed, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("lags", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("1", shed.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/fingerprints?deployment=shop-prod", Api.Ct)).StatusCode);

        // Caught up: the average falls under the limit as fresh batches are processed quickly.
        for (var i = 0; i < 60; i++)
        {
            pressure.Observe(TimeSpan.FromMilliseconds(5));
        }

        Assert.Equal(HttpStatusCode.Accepted, (await ingest.SendErrorsAsync("shop-prod", "Order 2 failed")).StatusCode);
    }

    [Fact]
    public void TheShareShedGrowsWithTheLagFromTheTargetToTheMaximum()
    {
        // Not knowing what is offered (NaN), the share is the one that grows with the lag.
        var options = new HealingGrains.Silo.Hosting.AdmissionOptions
        {
            StreamLagTarget = TimeSpan.FromMilliseconds(200), MaxStreamLag = TimeSpan.FromMilliseconds(1200), MinShedBacklog = 5_000,
        };

        // 100,000 events a second: 5,000 wait at 50 ms, so the target decides.
        const double Fast = 100_000;
        Assert.Equal(0, options.ShedShare(TimeSpan.Zero, Fast, double.NaN));
        Assert.Equal(0, options.ShedShare(TimeSpan.FromMilliseconds(200), Fast, double.NaN));
        Assert.Equal(0.25, options.ShedShare(TimeSpan.FromMilliseconds(450), Fast, double.NaN), 6);
        Assert.Equal(0.5, options.ShedShare(TimeSpan.FromMilliseconds(700), Fast, double.NaN), 6);
        Assert.Equal(1, options.ShedShare(TimeSpan.FromMilliseconds(1200), Fast, double.NaN));
        Assert.Equal(1, options.ShedShare(TimeSpan.FromSeconds(30), Fast, double.NaN));
    }

    [Fact]
    public void PastTheStartTheHostShedsWhatItIsOfferedBeyondWhatItProcessesAndLessAsTheLagGrows()
    {
        var options = new HealingGrains.Silo.Hosting.AdmissionOptions
        {
            StreamLagTarget = TimeSpan.FromMilliseconds(100), MaxStreamLag = TimeSpan.FromSeconds(5), MinShedBacklog = 5_000,
        };

        // Processing 80,000 events a second and offered 96,000 (120%): nothing shed up to the start, then the excess.
        Assert.Equal(0, options.ShedShare(TimeSpan.FromMilliseconds(100), 80_000, 96_000));
        Assert.Equal(1 - (80_000 / 96_000.0), options.ShedShare(TimeSpan.FromMilliseconds(100.001), 80_000, 96_000), 4);

        // Halfway to the maximum lag, half of what is processed is admitted, so the backlog drains.
        Assert.Equal(1 - (40_000 / 96_000.0), options.ShedShare(TimeSpan.FromSeconds(2.55), 80_000, 96_000), 6);
        Assert.Equal(1, options.ShedShare(TimeSpan.FromSeconds(5), 80_000, 96_000));

        // Offered less than it processes, a host past the start sheds nothing: its backlog drains by itself.
        Assert.Equal(0, options.ShedShare(TimeSpan.FromMilliseconds(300), 80_000, 60_000));

        // What is offered is not known (nothing passed lately): the share grows with the lag alone.
        Assert.Equal(0.5, options.ShedShare(TimeSpan.FromSeconds(2.55), 80_000, double.NaN), 6);
    }

    [Fact]
    public void WhileTheThreadPoolIsOversubscribedEventsNotYetTakenUpCountAsLag()
    {
        var options = new HealingGrains.Silo.Hosting.AdmissionOptions();
        var clock = new HealingGrains.Grains.Tests.TestClock(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));
        var pressure = new IngestPressure(clock);

        // A second at 80,000 events a second, offered and processed alike, with a short lag.
        for (var ms = 0; ms < 1_000; ms++)
        {
            for (var r = 0; r < 2; r++)
            {
                pressure.Offered();
                pressure.Passed();
                pressure.Accepted(40);
            }

            pressure.Observe(TimeSpan.FromMilliseconds(10), 80);
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(0, options.ShedShare(pressure, TimeSpan.FromMilliseconds(200)));

        // Then processing stops while 96,000 events a second keep coming: the observed lag holds at 10 ms.
        Offer(pressure, clock, milliseconds: 200, eventsPerRequest: 48);

        Assert.Equal(10, pressure.Lag.TotalMilliseconds, 6);

        // With the pool answering in time, that is all admission sees (in a cluster, what a host accepts may be processed
        // by others): nothing is shed.
        Assert.Equal(0, options.ShedShare(pressure, TimeSpan.FromMilliseconds(20)));
        Assert.Equal(0, options.ShedShare(pressure));

        // With the pool's queue 0.2 s long, the 0.2 s the oldest accepted event has waited count, with the events
        // accepted per second behind them: the host sheds what it is offered beyond what it processed.
        var early = options.ShedShare(pressure, TimeSpan.FromMilliseconds(200));
        Assert.Equal(
            options.ShedShare(TimeSpan.FromMilliseconds(200), pressure.PeakEventsPerSecond, pressure.OfferedEventsPerSecond, pressure.AcceptedEventsPerSecond),
            early,
            9);
        Assert.True(early > 0.05, $"0.2 s into the stall the host shed {early:P1}");

        // A second into the stall, at least the excess (a sixth of 96,000), and more as the wait grows, so it drains.
        Offer(pressure, clock, milliseconds: 800, eventsPerRequest: 48);

        Assert.InRange(options.ShedShare(pressure, TimeSpan.FromMilliseconds(200)), 1 - (80_000 / 96_000.0), 0.4);

        // A trickle is not a backlog: at 100 events a second, 0.2 s is 20 events, and nothing is shed.
        var slow = new IngestPressure(clock);
        for (var i = 0; i < 20; i++)
        {
            slow.Offered();
            slow.Passed();
            slow.Accepted(1);
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(0, options.ShedShare(slow, TimeSpan.FromMilliseconds(500)));
    }

    // Two requests a millisecond of eventsPerRequest events each, offered, passed and accepted, with nothing processed.
    private static void Offer(IngestPressure pressure, HealingGrains.Grains.Tests.TestClock clock, int milliseconds, int eventsPerRequest)
    {
        for (var ms = 0; ms < milliseconds; ms++)
        {
            for (var r = 0; r < 2; r++)
            {
                pressure.Offered();
                pressure.Passed();
                pressure.Accepted(eventsPerRequest);
            }

            clock.Advance(TimeSpan.FromMilliseconds(1));
        }
    }

    [Fact]
    public void ALagWithFewEventsWaitingShedsNothingShortOfTheMaximum()
    {
        var options = new HealingGrains.Silo.Hosting.AdmissionOptions
        {
            StreamLagTarget = TimeSpan.FromMilliseconds(100), MaxStreamLag = TimeSpan.FromSeconds(5), MinShedBacklog = 5_000,
        };

        // A slow machine at 50 events a second: 0.7 s is 35 events waiting, and shedding would not shorten it.
        Assert.Equal(0, options.ShedShare(TimeSpan.FromMilliseconds(700), 50, double.NaN));
        Assert.Equal(options.MaxStreamLag, options.ShedStart(50));
        Assert.Equal(1, options.ShedShare(TimeSpan.FromSeconds(5), 50, double.NaN));
        Assert.Equal(1, options.ShedShare(TimeSpan.FromSeconds(5), 0, double.NaN));

        // At 2,500 events a second, 5,000 wait at 2 s: shedding starts there, not at the target.
        Assert.Equal(2, options.ShedStart(2_500).TotalSeconds, 6);
        Assert.Equal(0, options.ShedShare(TimeSpan.FromSeconds(1.9), 2_500, double.NaN));
        Assert.Equal(0.5, options.ShedShare(TimeSpan.FromSeconds(3.5), 2_500, double.NaN), 6);

        // At 100,000 a second the target decides.
        Assert.Equal(0.1, options.ShedStart(100_000).TotalSeconds, 6);
    }
}

/// <summary>A host whose processing lags a little sheds a share of ingest, not all of it (default admission settings).</summary>
public sealed class PartialSheddingTests : IAsyncLifetime
{
    private readonly HealingHost _host = new(HealingHost.NewDataDirectory(), HostFixture.OperatorKey, new Dictionary<string, string?>
    {
        ["HealingGrains:Admission:TenantRequestsPerSecond"] = "100000",
        ["HealingGrains:Admission:TenantBurst"] = "100000",
    });

    public ValueTask InitializeAsync()
    {
        _ = _host.Server;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    // A tenant with the deployment "shop-prod", its ingest client, and the host's pressure to set.
    private async Task<(HttpClient Ingest, IngestPressure Pressure)> ShopAsync(string tenant)
    {
        var created = await (await _host.ClientWithKey(HostFixture.OperatorKey).PostAsJsonAsync("/api/v1/tenants", new { id = tenant, name = tenant }, Api.Ct)).JsonAsync();
        var admin = _host.ClientWithKey(created.GetProperty("adminKey").GetString()!);
        Assert.True((await admin.PutDeploymentAsync("shop-prod")).IsSuccessStatusCode);
        return (_host.ClientWithKey(created.GetProperty("ingestKey").GetString()!), _host.Services.GetRequiredService<IngestPressure>());
    }

    [Fact]
    public async Task AHostOfferedMoreThanItProcessesShedsAShareOfRequests()
    {
        var (ingest, pressure) = await ShopAsync("busy");

        // Other clients' load, set before each request so that the speed of this loop does not matter: 60,000 events
        // processed, and 100 requests passed with 120,000 events, so the host is offered twice what it processes. Its
        // lag is 2.55 s, halfway from the target to the maximum, so it admits about half of what it processes and
        // sheds the rest of what it is offered, about three quarters: a share, neither none nor all. (The host's own
        // processing of what it accepts reports lags of milliseconds; the lag is set again before each request.)
        var messages = Enumerable.Range(0, 5).Select(k => $"Order {k} failed").ToArray();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            for (var k = 0; k < 60; k++)
            {
                pressure.Observe(TimeSpan.FromMilliseconds(2550), events: 1_000);
            }

            for (var k = 0; k < 100; k++)
            {
                pressure.Offered();
                pressure.Passed();
            }

            pressure.Accepted(120_000);
            var answer = await ingest.SendErrorsAsync("shop-prod", messages);
            statuses.Add(answer.StatusCode);
            if (answer.StatusCode == HttpStatusCode.ServiceUnavailable && statuses.Count(s => s == HttpStatusCode.ServiceUnavailable) == 1)
            {
                var problem = await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.ServiceUnavailable);
                Assert.Matches(@"sheds \d+% of new ingest", problem.GetProperty("detail").GetString()!);
                Assert.Equal("1", answer.Headers.GetValues("Retry-After").Single());
            }
        }

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, s.ToString()));
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.ServiceUnavailable), 100, 190);
    }

    [Fact]
    public async Task ALagWithFewEventsWaitingIsASlowMachineNotABacklogAndShedsNothing()
    {
        var (ingest, pressure) = await ShopAsync("slow");

        // The same lag as above, but a few events a second behind it (a stalled machine, a trickle of ingest).
        for (var i = 0; i < 50; i++)
        {
            pressure.Observe(TimeSpan.FromMilliseconds(2550), events: 1);
            var answer = await ingest.SendErrorsAsync("shop-prod", $"Order {i} failed");
            Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        }
    }
}

