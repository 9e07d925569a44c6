namespace HealingGrains.Core.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void AddsNumbers() => Assert.Equal(2, 1 + 1);
}
