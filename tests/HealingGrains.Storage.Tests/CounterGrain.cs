namespace HealingGrains.Storage.Tests;

/// <summary>A grain whose only job is to persist state through the row-store grain storage.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync();

    Task<int> GetAsync();

    Task SetPayloadAsync(int bytes);

    Task<int> GetPayloadLengthAsync();

    Task ClearAsync();
}

[GenerateSerializer, Alias("HealingGrains.Storage.Tests.CounterState")]
public sealed class CounterState
{
    [Id(0)] public int Count { get; set; }

    [Id(1)] public byte[] Payload { get; set; } = [];
}

public sealed class CounterGrain(
    [PersistentState(stateName: "counter", storageName: StorageClusterFixture.StorageName)] IPersistentState<CounterState> counter)
    : Grain, ICounterGrain
{
    public async Task<int> IncrementAsync()
    {
        counter.State.Count++;
        await counter.WriteStateAsync();
        return counter.State.Count;
    }

    public Task<int> GetAsync() => Task.FromResult(counter.State.Count);

    public async Task SetPayloadAsync(int bytes)
    {
        counter.State.Payload = new byte[bytes];
        new Random(bytes).NextBytes(counter.State.Payload);
        await counter.WriteStateAsync();
    }

    public Task<int> GetPayloadLengthAsync() => Task.FromResult(counter.State.Payload.Length);

    public Task ClearAsync() => counter.ClearStateAsync();
}
