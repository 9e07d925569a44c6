using Microsoft.Extensions.DependencyInjection;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Abstractions.State;

namespace HealingGrains.Grains.Tests;

/// <summary>A durable stream may deliver a batch twice; a fingerprint counts each batch once, across reactivations.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BatchDeduplicationTests(ClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFingerprintCountsABatchDeliveredAgainOnceEvenAfterReactivation()
    {
        var fingerprint = fixture.Client.GetGrain<IFingerprintGrain>(FingerprintKey.Format(TestIds.Tenant(), "00000000000000fd"));
        var batch = Guid.NewGuid();

        Assert.True(await fingerprint.RecordAsync(Observation(batch, 3)));
        await fingerprint.Cast<IGrainManagementExtension>().DeactivateOnIdle(Ct);

        // The copy reports "new here" again: the first delivery may have died before it told the deployment.
        Assert.True(await fingerprint.RecordAsync(Observation(batch, 3)));
        Assert.Equal(3, (await fingerprint.GetAsync())!.Count);

        Assert.False(await fingerprint.RecordAsync(Observation(Guid.NewGuid(), 2)));
        Assert.Equal(5, (await fingerprint.GetAsync())!.Count);
    }

    [Fact]
    public async Task BatchesDeliveredTogetherAreEachCountedOnceWhateverTheyAreDeliveredAgainWith()
    {
        var fingerprint = fixture.Client.GetGrain<IFingerprintGrain>(FingerprintKey.Format(TestIds.Tenant(), "00000000000000fc"));
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        // One delivery of two batches; a batch's occurrences may come in two runs (stack and template ones merged).
        Assert.True(await fingerprint.RecordAsync(Observation([new BatchPart(a, 1), new BatchPart(b, 3), new BatchPart(a, 1)])));
        Assert.Equal(5, (await fingerprint.GetAsync())!.Count);

        // Delivered again, grouped otherwise and with a new batch: only the new one counts.
        await fingerprint.RecordAsync(Observation([new BatchPart(b, 3), new BatchPart(c, 4), new BatchPart(a, 2)]));
        Assert.Equal(9, (await fingerprint.GetAsync())!.Count);

        // Parts that do not add up to the occurrences are refused, and nothing is counted.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => fingerprint.RecordAsync(new FingerprintObservation
        {
            Deployment = "shop-prod",
            Template = "Disk full on node <*>",
            SampleMessage = "Disk full on node alpha",
            OccurredAt = [fixture.Time.GetUtcNow()],
            Parts = [new BatchPart(Guid.NewGuid(), 2)],
        }));
        Assert.Equal(9, (await fingerprint.GetAsync())!.Count);
    }

    [Fact]
    public async Task ObservationsWithoutABatchIdAreAlwaysCounted()
    {
        var fingerprint = fixture.Client.GetGrain<IFingerprintGrain>(FingerprintKey.Format(TestIds.Tenant(), "000000000000beef"));

        await fingerprint.RecordAsync(Observation(Guid.Empty, 1));
        await fingerprint.RecordAsync(Observation(Guid.Empty, 1));

        Assert.Equal(2, (await fingerprint.GetAsync())!.Count);
    }

    [Fact]
    public void TheMemoryOfAppliedBatchesKeepsTheNewestAndIsBounded()
    {
        var now = DateTimeOffset.Parse("2026-11-24T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var window = new AppliedBatchWindow { KeptByCount = 256, KeptByAge = TimeSpan.FromMinutes(15), MaxEntries = 4096 };
        var ids = Enumerable.Range(0, window.MaxEntries + 10).Select(_ => Guid.NewGuid()).ToList();

        // An hour apart: only the count keeps them.
        var applied = new AppliedBatchLog();
        foreach (var (id, i) in ids.Take(window.KeptByCount + 5).Select((id, i) => (id, i)))
        {
            applied.Add([id], now.AddHours(i), window);
        }

        Assert.Equal(window.KeptByCount, applied.Count);
        Assert.False(applied.Contains(ids[4]));
        Assert.True(applied.Contains(ids[5]));
        Assert.True(applied.Contains(ids[window.KeptByCount + 4]));

        // What is stored reads back the same, in order.
        var stored = applied.ToBytes();
        Assert.Equal(window.KeptByCount * AppliedBatchLog.EntrySize, stored.Length);
        var read = AppliedBatchLog.From(stored);
        Assert.Equal(applied.Count, read.Count);
        Assert.True(read.Contains(ids[5]) && !read.Contains(ids[4]));
        read.Add([ids[^1]], now.AddHours(window.KeptByCount + 5), window);
        Assert.False(read.Contains(ids[5]));

        // All within the age kept: the hard bound applies, however many come at once.
        applied = new AppliedBatchLog();
        applied.Add(ids, now, window);
        Assert.Equal(window.MaxEntries, applied.Count);
        Assert.True(applied.Contains(ids[^1]));
        Assert.False(applied.Contains(ids[9]));
        Assert.True(applied.Contains(ids[10]));
        Assert.False(applied.Contains(Guid.Empty));

        // Beyond the count, what is older than the age goes; what is younger stays.
        var byAge = new AppliedBatchWindow { KeptByCount = 0, KeptByAge = TimeSpan.FromMinutes(1), MaxEntries = 4096, Stored = false };
        applied = new AppliedBatchLog();
        foreach (var (id, i) in ids.Take(100).Select((id, i) => (id, i)))
        {
            applied.Add([id], now.AddSeconds(i), byAge);
        }

        Assert.Equal(61, applied.Count);
        Assert.False(applied.Contains(ids[38]));
        Assert.True(applied.Contains(ids[39]));
    }

    [Fact]
    public async Task BatchesStoredInTheFormerListAreStillRecognised()
    {
        var key = FingerprintKey.Format(TestIds.Tenant(), "00000000000000fe");
        var fingerprint = fixture.Client.GetGrain<IFingerprintGrain>(key);
        var batch = Guid.NewGuid();
        Assert.True(await fingerprint.RecordAsync(Observation(Guid.NewGuid(), 1)));
        await fingerprint.Cast<IGrainManagementExtension>().DeactivateOnIdle(Ct);

        // Rewrite the stored state the way a build before the byte log stored it: the batch in the list, the log empty.
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(GrainStorageNames.State);
        var grainId = GrainId.Create("fingerprint", key);
        var stored = new GrainState<FingerprintState>();
        await storage.ReadStateAsync("fingerprint", grainId, stored);
        Assert.NotNull(stored.State);
        stored.State.AppliedLog = [];
        stored.State.AppliedBatches = [new AppliedBatch { BatchId = batch, AppliedAt = fixture.Time.GetUtcNow() }];
        await storage.WriteStateAsync("fingerprint", grainId, stored);

        Assert.True(await fingerprint.RecordAsync(Observation(batch, 5)));
        Assert.Equal(1, (await fingerprint.GetAsync())!.Count);
    }

    private FingerprintObservation Observation(IReadOnlyList<BatchPart> parts) => new()
    {
        Parts = parts,
        Deployment = "shop-prod",
        Template = "Disk full on node <*>",
        SampleMessage = "Disk full on node alpha",
        OccurredAt = [.. Enumerable.Repeat(fixture.Time.GetUtcNow(), parts.Sum(p => p.Count))],
    };

    private FingerprintObservation Observation(Guid batch, int occurrences) => new()
    {
        BatchId = batch,
        Deployment = "shop-prod",
        Template = "Disk full on node <*>",
        SampleMessage = "Disk full on node alpha",
        OccurredAt = [.. Enumerable.Repeat(fixture.Time.GetUtcNow(), occurrences)],
    };
}
