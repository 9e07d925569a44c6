using HealingGrains.Grains.Telemetry;

namespace HealingGrains.Grains.Tests;

public sealed class IngestPressureTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheRateCountsTheEventsOfAboutTheLastSecond()
    {
        var clock = new TestClock(Start);
        var pressure = new IngestPressure(clock);

        // 100 batches of 50 events over one second: 5,000 events per second.
        for (var i = 0; i < 100; i++)
        {
            pressure.Observe(TimeSpan.FromMilliseconds(20), events: 50);
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        // Half a second into the next second with nothing processed, half of the last second still counts.
        clock.Advance(TimeSpan.FromMilliseconds(490));
        pressure.Observe(TimeSpan.FromMilliseconds(20), events: 0);
        Assert.InRange(pressure.EventsPerSecond, 2_400, 2_600);

        // Two seconds of silence: nothing of it counts any more, and counting starts again (over at least a quarter
        // second).
        clock.Advance(TimeSpan.FromSeconds(2));
        pressure.Observe(TimeSpan.FromMilliseconds(20), events: 10);
        Assert.Equal(40, pressure.EventsPerSecond, 6);
    }

    [Fact]
    public void TheFirstTenthsOfASecondReadTheRateNotAFractionOfIt()
    {
        var clock = new TestClock(Start);
        var pressure = new IngestPressure(clock);

        // 80,000 events a second from a standing start, 0.4 s in.
        for (var i = 0; i <= 40; i++)
        {
            pressure.Observe(TimeSpan.FromMilliseconds(20), events: 800);
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.InRange(pressure.EventsPerSecond, 76_000, 84_000);
    }

    [Fact]
    public void ARateAndALagLongUnobservedReadAsNone()
    {
        var clock = new TestClock(Start);
        var pressure = new IngestPressure(clock);
        pressure.Observe(TimeSpan.FromSeconds(2), events: 1_000);
        Assert.Equal(2, pressure.Lag.TotalSeconds, 6);
        Assert.Equal(4_000, pressure.EventsPerSecond, 6);

        clock.Advance(IngestPressure.Memory + TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.Zero, pressure.Lag);
        Assert.Equal(0, pressure.EventsPerSecond);
    }

    [Fact]
    public void EventsAcceptedBeforeAFailureCountButTheirLagDoesNot()
    {
        var clock = new TestClock(Start);
        var pressure = new IngestPressure(clock);
        pressure.Observe(TimeSpan.FromMilliseconds(10), events: 1);
        var acceptedBeforeTheOutage = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromMilliseconds(100));
        pressure.Failed();
        clock.Advance(TimeSpan.FromMilliseconds(800));

        pressure.Observe(acceptedBeforeTheOutage, events: 99);

        Assert.Equal(0.01, pressure.Lag.TotalSeconds, 6);
        Assert.Equal(100 / 0.9, pressure.EventsPerSecond, 6);
    }

    [Fact]
    public void WhatIsOfferedIsWhatIsAcceptedTimesTheRequestsOfferedPerRequestPassed()
    {
        var clock = new TestClock(Start);
        var pressure = new IngestPressure(clock);
        Assert.True(double.IsNaN(pressure.OfferedEventsPerSecond));

        // Over one second, 100 requests of 50 events offered, every fifth shed: 4,000 events accepted of 5,000 offered.
        for (var i = 0; i < 100; i++)
        {
            pressure.Offered();
            if (i % 5 != 4)
            {
                pressure.Passed();
                pressure.Accepted(50);
            }

            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        pressure.Offered();
        Assert.InRange(pressure.OfferedEventsPerSecond, 4_900, 5_200);

        // Two seconds of requests all shed: nothing passed, so what is offered is not known.
        for (var i = 0; i < 200; i++)
        {
            pressure.Offered();
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        pressure.Offered();
        Assert.True(double.IsNaN(pressure.OfferedEventsPerSecond));
    }

    [Fact]
    public void APauseLowersTheRateButNotThePeakOfTheLastWholeSecond()
    {
        var clock = new TestClock(Start);
        var pressure = new IngestPressure(clock);

        // Three seconds at 5,000 events a second, then processing pauses for 0.6 s (a collection, a slow commit).
        for (var i = 0; i < 300; i++)
        {
            pressure.Observe(TimeSpan.FromMilliseconds(20), events: 50);
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        clock.Advance(TimeSpan.FromMilliseconds(600));
        pressure.Observe(TimeSpan.FromMilliseconds(600), events: 50);

        Assert.InRange(pressure.EventsPerSecond, 1_900, 2_600);
        Assert.InRange(pressure.PeakEventsPerSecond, 4_900, 5_100);

        // Two seconds later at 1,000 a second, the old seconds are forgotten.
        for (var i = 0; i < 200; i++)
        {
            pressure.Observe(TimeSpan.FromMilliseconds(20), events: 10);
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.InRange(pressure.PeakEventsPerSecond, 950, 1_100);
    }
}
