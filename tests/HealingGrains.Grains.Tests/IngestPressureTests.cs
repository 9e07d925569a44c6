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

    [Fact]
    public void WaitingIsHowLongTheOldestEventAcceptedSinceProcessingLastStartedHasWaited()
    {
        var clock = new TestClock(Start);
        var pressure = new IngestPressure(clock);
        Assert.Equal(TimeSpan.Zero, pressure.Waiting);

        // Accepted, then more accepted: the oldest sets the time.
        pressure.Accepted(50);
        clock.Advance(TimeSpan.FromMilliseconds(40));
        pressure.Accepted(50);
        clock.Advance(TimeSpan.FromMilliseconds(60));
        Assert.Equal(100, pressure.Waiting.TotalMilliseconds, 6);

        // Processing starts: nothing waits that was accepted since; the next acceptance starts the clock again.
        pressure.Observe(TimeSpan.FromMilliseconds(100), events: 100);
        Assert.Equal(TimeSpan.Zero, pressure.Waiting);
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.Zero, pressure.Waiting);
        pressure.Accepted(50);
        clock.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(250, pressure.Waiting.TotalMilliseconds, 6);

        // Processing that stops while acceptance goes on: the lag holds what was last observed, waiting grows.
        pressure.Observe(TimeSpan.FromMilliseconds(20), events: 50);
        var held = pressure.Lag;
        for (var i = 0; i < 200; i++)
        {
            pressure.Accepted(50);
            clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        Assert.Equal(held, pressure.Lag);
        Assert.Equal(1_000, pressure.Waiting.TotalMilliseconds, 6);
        Assert.InRange(pressure.AcceptedEventsPerSecond, 7_500, 10_500); // 10,000 a second, read over two one-second buckets

        // Nothing accepted (a request refused with no events) starts no clock.
        pressure.Observe(TimeSpan.FromMilliseconds(20), events: 50);
        pressure.Accepted(0);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, pressure.Waiting);
    }

    [Fact]
    public async Task DispatchDelayReportsHowLongAProbeWaitedForAThreadPoolThread()
    {
        var clock = new TestClock(Start);
        using var recorded = new DispatchDelay(clock, probe: false);
        Assert.Equal(TimeSpan.Zero, recorded.Current);
        recorded.Record(TimeSpan.FromMilliseconds(120));
        Assert.Equal(120, recorded.Current.TotalMilliseconds, 6);

        // The real probe on the real pool: while every pool thread is held, the waiting probe's age is the delay, and it
        // grows; once they are free again the delay falls back.
        using var probed = new DispatchDelay(TimeProvider.System);
        var release = new ManualResetEventSlim();
        ThreadPool.GetMinThreads(out var workers, out _);
        var busy = Enumerable.Range(0, Math.Max(workers, Environment.ProcessorCount) + 4)
            .Select(_ => Task.Factory.StartNew(() => release.Wait(TimeSpan.FromSeconds(10)), CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default))
            .ToArray();
        try
        {
            Assert.True(SpinWait.SpinUntil(() => probed.Current >= TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(8)),
                $"the probe saw a delay of {probed.Current.TotalMilliseconds:F0} ms with the pool held");
        }
        finally
        {
            release.Set();
        }

        await Task.WhenAll(busy).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(SpinWait.SpinUntil(() => probed.Current < TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10)),
            $"the delay stayed at {probed.Current.TotalMilliseconds:F0} ms after the pool was freed");
    }
}
