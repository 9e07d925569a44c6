namespace HealingGrains.Core.Healing;

/// <summary>
/// Hands out independent <see cref="Random"/> instances for exploration, all derived from one seed when a seed is
/// configured (simulations and tests replay exactly), else from the shared generator.
/// </summary>
public sealed class RandomSource(int? seed = null)
{
    private readonly Random _master = seed is { } s ? new Random(s) : new Random();
    private readonly Lock _lock = new();

    /// <summary>A generator for one decision.</summary>
    public Random Next()
    {
        lock (_lock)
        {
            return new Random(_master.Next());
        }
    }
}
