using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;

namespace HealingGrains.Grains.Tests;

/// <summary>Metric moves on a <see cref="HealingWorld"/>: points one minute apart, the host's clock moving with them.</summary>
internal static class MetricWorld
{
    public const string Memory = "memory.utilization";

    /// <summary>Memory flat at 0.5 for an hour, then rising 0.006 per minute, with a little noise; the value at minute <paramref name="i"/>.</summary>
    public static double Rising(int i) => Math.Min(1, 0.5 + (Math.Max(0, i - 60) * 0.006) + (0.005 * Math.Sin(i)));

    /// <summary>
    /// Sends one point a minute of <paramref name="shape"/> from minute <paramref name="from"/>, until
    /// <paramref name="stop"/> says so after a point or <paramref name="to"/> is reached; returns the last minute sent.
    /// </summary>
    public static async Task<int> SendAsync(
        this HealingWorld world, ClusterFixture fixture, Func<int, double> shape, int from, int to, Func<int, Task<bool>>? stop = null, string metric = Memory)
    {
        for (var i = from; i < to; i++)
        {
            fixture.Time.Advance(TimeSpan.FromMinutes(1));
            await world.DeploymentGrain.RecordMetricPointsAsync([new MetricPoint { Name = metric, Timestamp = fixture.Time.GetUtcNow(), Value = shape(i) }]);
            if (stop is not null && await stop(i))
            {
                return i;
            }
        }

        return to - 1;
    }

    /// <summary>Sends the rising memory until a preventive action opens (or the limit is long passed); the action and the minute.</summary>
    public static async Task<(HealingActionInfo? Action, int Minute)> RiseUntilPreventedAsync(this HealingWorld world, ClusterFixture fixture)
    {
        var minute = await world.SendAsync(fixture, Rising, 0, 200, async _ => (await world.DeploymentGrain.GetOpenActionIdsAsync()).Count > 0);
        var ids = await world.DeploymentGrain.GetOpenActionIdsAsync();
        return (ids.Count == 0 ? null : await world.Action(ids[0]).GetAsync(), minute);
    }

    public static IFingerprintGrain PredictionFingerprint(this HealingWorld world, string metric = Memory) =>
        world.Client.GetGrain<IFingerprintGrain>(FingerprintKey.Format(world.Tenant, DeploymentGrain.PredictionFingerprint(metric)));
}
