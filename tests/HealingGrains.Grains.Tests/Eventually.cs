namespace HealingGrains.Grains.Tests;

/// <summary>Waits for asynchronous stream processing to reach a state, with a deadline instead of a fixed sleep.</summary>
internal static class Eventually
{
    public static async Task<T> ReachAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
