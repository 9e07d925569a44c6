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
        var applied = new List<AppliedBatch>();
        var ids = Enumerable.Range(0, AppliedBatches.MaxEntries + 10).Select(_ => Guid.NewGuid()).ToList();

        // An hour apart: only the count keeps them.
        foreach (var (id, i) in ids.Take(AppliedBatches.KeptByCount + 5).Select((id, i) => (id, i)))
        {
            AppliedBatches.Add(applied, id, now.AddHours(i));
        }

        Assert.Equal(AppliedBatches.KeptByCount, applied.Count);
        Assert.False(AppliedBatches.Contains(applied, ids[4]));
        Assert.True(AppliedBatches.Contains(applied, ids[5]));

        // All within the age kept: the hard bound applies.
        applied.Clear();
        foreach (var id in ids)
        {
            AppliedBatches.Add(applied, id, now);
        }

        Assert.Equal(AppliedBatches.MaxEntries, applied.Count);
        Assert.True(AppliedBatches.Contains(applied, ids[^1]));
        Assert.False(AppliedBatches.Contains(applied, ids[9]));
        Assert.True(AppliedBatches.Contains(applied, ids[10]));
        Assert.False(AppliedBatches.Contains(applied, Guid.Empty));
    }

    private FingerprintObservation Observation(Guid batch, int occurrences) => new()
    {
        BatchId = batch,
        Deployment = "shop-prod",
        Template = "Disk full on node <*>",
        SampleMessage = "Disk full on node alpha",
        OccurredAt = [.. Enumerable.Repeat(fixture.Time.GetUtcNow(), occurrences)],
    };
}
