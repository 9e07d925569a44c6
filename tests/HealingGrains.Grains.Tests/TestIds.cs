namespace HealingGrains.Grains.Tests;

/// <summary>Fresh names per test, so no test depends on another's data.</summary>
internal static class TestIds
{
    public static string Tenant() => "t-" + Guid.NewGuid().ToString("N")[..12];
}
