namespace HealingGrains.Grains.Tests;

/// <summary>
/// A clock whose wall time the tests set, while timers and timestamps stay real. Orleans takes its
/// <see cref="TimeProvider"/> from the container too, and a <c>FakeTimeProvider</c> there would freeze the stream
/// pulling agents' timers along with the grains' notion of "now".
/// </summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
