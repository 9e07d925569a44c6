using HealingGrains.Grains.Telemetry;
using HealingGrains.Grains.Tests;
using HealingGrains.Silo.Hosting;

namespace HealingGrains.Silo.Tests;

/// <summary>
/// Admission's control loop on a simulated host: the real <see cref="IngestPressure"/> and
/// <see cref="AdmissionOptions.ShedShare(IngestPressure, TimeSpan)"/> on a simulated clock, a host that processes 80,000 events a second in
/// requests of 50 events, first offered 80% of that, then 120% for two minutes, then 80% again. (Issue 13: at 120% of
/// the maximum, the excess shed within 1 s and at least 90% of the maximum accepted.)
/// </summary>
public sealed class OverloadControlTests
{
    private const double Capacity = 80_000;
    private const int EventsPerRequest = 50;
    private const int Before = 5;
    private const int Overload = 120;
    private const int After = 10;

    [Fact]
    public void AnOverloadedHostShedsItsExcessWithinASecondAndAcceptsWhatItProcesses()
    {
        var seconds = Simulate(new AdmissionOptions(), offeredWhileOverloaded: 1.2);

        // At 80% nothing is shed.
        Assert.All(seconds.Take(Before), s => Assert.Equal(0, s.Shed));

        // From the second second of the overload on, every second sheds about its excess (a sixth of what is offered)
        // and accepts about what the host processes, and nothing waits long.
        foreach (var (s, i) in seconds.Skip(Before + 1).Take(Overload - 1).Select((s, i) => (s, i + 1)))
        {
            var share = (double)s.Shed / s.Offered;
            Assert.True(share is >= 0.10 and <= 0.25, $"second {i} of the overload shed {share:P1} of what was offered; its excess is 16.7%");
            Assert.True(s.AcceptedEvents >= 0.9 * Capacity && s.AcceptedEvents <= 1.05 * Capacity,
                $"second {i} of the overload accepted {s.AcceptedEvents:N0} events; the host processes {Capacity:N0}");
            Assert.True(s.LongestWait < TimeSpan.FromSeconds(0.5), $"in second {i} of the overload an event waited {s.LongestWait.TotalSeconds:F2} s");
        }

        // Back at 80%: the backlog drains and nothing is shed after a second.
        Assert.All(seconds.Skip(Before + Overload + 1), s => Assert.Equal(0, s.Shed));
    }

    [Fact]
    public void WithoutKnowingWhatIsOfferedTheShareOnlyGrowsWithTheLagAndTheExcessWaits()
    {
        // The share that grows with the lag alone (what the host did before it counted what it is offered) is slow:
        // a sixth is shed only at a lag of about 0.9 s, which a 20% excess takes seconds to build.
        var seconds = Simulate(new AdmissionOptions(), offeredWhileOverloaded: 1.2, knowOffered: false);

        var second = seconds[Before + 1];
        Assert.True((double)second.Shed / second.Offered < 0.10, "the lag alone shed the excess within a second");
        Assert.True(seconds.Skip(Before).Take(Overload).Max(s => s.LongestWait) > TimeSpan.FromSeconds(0.5));
    }

    [Fact]
    public void AHostWhoseProcessingStallsAtTheOnsetShedsWithinASecondAndRecovers()
    {
        // As measured on the benchmark machine: at the start of an overload processing stopped (1.5 s here) while
        // requests kept coming and the thread pool's queue was long. The lag is observed when processing starts, so it
        // held its last value; what had been accepted and not taken up is what shows the stall.
        var stall = TimeSpan.FromSeconds(1.5);
        var seen = Simulate(new AdmissionOptions(), offeredWhileOverloaded: 1.2, stall: stall);
        var blind = Simulate(new AdmissionOptions(), offeredWhileOverloaded: 1.2, stall: stall, seeDispatchDelay: false);

        // The first second of the overload sheds at least its excess; without the thread pool's delay, nothing.
        var first = seen[Before];
        Assert.True((double)first.Shed / first.Offered >= 1 / 6.0, $"the first second of a stalled overload shed {first.Shed} of {first.Offered}");
        Assert.Equal(0, blind[Before].Shed);

        // Less waits, and from the sixth second on every second accepts at least 90% of what the host processes.
        var overload = Before..(Before + Overload);
        Assert.True(seen[overload].Max(s => s.LongestWait) < blind[overload].Max(s => s.LongestWait));
        foreach (var (s, i) in seen.Skip(Before + 5).Take(Overload - 5).Select((s, i) => (s, i + 5)))
        {
            Assert.True(s.AcceptedEvents >= 0.9 * Capacity, $"second {i} of the overload accepted {s.AcceptedEvents:N0} events; the host processes {Capacity:N0}");
        }

        // Back at 80%, nothing is shed after a second.
        Assert.All(seen.Skip(Before + Overload + 1), s => Assert.Equal(0, s.Shed));
    }

    private sealed record Second(int Offered, int Shed, long AcceptedEvents, TimeSpan LongestWait);

    private static List<Second> Simulate(
        AdmissionOptions options, double offeredWhileOverloaded, bool knowOffered = true, TimeSpan stall = default, bool seeDispatchDelay = true)
    {
        var clock = new TestClock(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        var pressure = new IngestPressure(clock);
        var random = new Random(13);
        var queue = new Queue<DateTimeOffset>();
        var seconds = new List<Second>();
        var step = TimeSpan.FromMilliseconds(1);
        var requestsPerStep = Capacity / EventsPerRequest / 1000;
        double arriving = 0, budget = 0;
        for (var second = 0; second < Before + Overload + After; second++)
        {
            var load = second >= Before && second < Before + Overload ? offeredWhileOverloaded : 0.8;
            int offered = 0, shed = 0;
            long accepted = 0;
            var longestWait = TimeSpan.Zero;
            for (var ms = 0; ms < 1000; ms++)
            {
                clock.Advance(step);
                var now = clock.GetUtcNow();

                // Requests arrive evenly; each is admitted or shed as the middleware does.
                for (arriving += load * requestsPerStep; arriving >= 1; arriving--)
                {
                    offered++;
                    pressure.Offered();
                    // While processing is stalled the thread pool's queue is long (0.06-0.25 s was measured), else short.
                    var stalled = second >= Before && ((second - Before) * 1000) + ms < stall.TotalMilliseconds;
                    var dispatch = TimeSpan.FromMilliseconds(stalled && seeDispatchDelay ? 150 : 5);
                    var share = knowOffered ? options.ShedShare(pressure, dispatch) : options.ShedShare(pressure.Lag, pressure.PeakEventsPerSecond, double.NaN);
                    if (share > 0 && (share >= 1 || random.NextDouble() < share))
                    {
                        shed++;
                        continue;
                    }

                    pressure.Passed();
                    pressure.Accepted(EventsPerRequest);
                    accepted += EventsPerRequest;
                    queue.Enqueue(now);
                }

                // The host processes its capacity, in order; an idle host banks none of it. At the start of the overload
                // processing may stall (as measured: for seconds nothing was delivered while requests kept coming).
                if (second >= Before && (second - Before) * 1000 + ms < stall.TotalMilliseconds)
                {
                    continue;
                }

                budget = Math.Min(budget + (Capacity / 1000), Capacity / 1000 + EventsPerRequest);
                while (queue.Count > 0 && budget >= EventsPerRequest)
                {
                    var acceptedAt = queue.Dequeue();
                    budget -= EventsPerRequest;
                    longestWait = TimeSpan.FromTicks(Math.Max(longestWait.Ticks, (now - acceptedAt).Ticks));
                    pressure.Observe(now - acceptedAt, EventsPerRequest);
                }
            }

            seconds.Add(new Second(offered, shed, accepted, longestWait));
        }

        return seconds;
    }
}
