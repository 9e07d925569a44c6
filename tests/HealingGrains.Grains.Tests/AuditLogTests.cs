using System.Text;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Storage;

namespace HealingGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class AuditLogTests(ClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(IAuditLogGrain Log, string Tenant)> LogWithAsync(int records)
    {
        var tenant = TestIds.Tenant();
        var log = fixture.Client.GetGrain<IAuditLogGrain>(tenant);
        for (var i = 1; i <= records; i++)
        {
            await log.AppendAsync("admin:alice", "test.event", $"subject/{i}", $"detail {i}");
        }

        return (log, tenant);
    }

    [Fact]
    public async Task RecordsAreNumberedChainedAndVerify()
    {
        var (log, _) = await LogWithAsync(4);

        var records = await log.ListAsync(1, 100);
        var verification = await log.VerifyAsync();

        Assert.Equal([1L, 2, 3, 4], records.Select(r => r.Sequence));
        Assert.Equal(4, records.Select(r => r.Hash).Distinct().Count());
        Assert.True(verification.Valid);
        Assert.Equal(4, verification.Records);
        Assert.Equal([3L, 4], (await log.ListAsync(3, 10)).Select(r => r.Sequence));
    }

    [Fact]
    public async Task AnEditedRecordIsFound()
    {
        var (log, tenant) = await LogWithAsync(5);
        using var store = new SqliteRowStore(new SqliteRowStoreOptions { DataSource = fixture.DatabasePath });
        var row = (await store.ReadAsync(AuditLogGrain.Table, RowKeys.Escape(tenant), 3L.ToString("D19", System.Globalization.CultureInfo.InvariantCulture), Ct))!;
        var edited = Encoding.UTF8.GetString(row.Data.Span).Replace("detail 3", "detail 3, nothing to see", StringComparison.Ordinal);
        await store.WriteAsync(AuditLogGrain.Table, row.PartitionKey, row.RowKey, Encoding.UTF8.GetBytes(edited), row.ETag, Ct);

        var verification = await log.VerifyAsync();

        Assert.False(verification.Valid);
        Assert.Equal(3, verification.FirstInvalidSequence);
        Assert.Contains("altered", verification.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public async Task ADeletedRecordIsFound(long sequence)
    {
        var (log, tenant) = await LogWithAsync(5);
        using var store = new SqliteRowStore(new SqliteRowStoreOptions { DataSource = fixture.DatabasePath });

        await store.DeleteAsync(AuditLogGrain.Table, RowKeys.Escape(tenant), sequence.ToString("D19", System.Globalization.CultureInfo.InvariantCulture), "*", Ct);
        var verification = await log.VerifyAsync();

        Assert.False(verification.Valid);
        Assert.Equal(sequence, verification.FirstInvalidSequence);
        Assert.Contains("missing", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryStepOfAnActionIsAudited()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart");
        await world.PolicyAsync(p => p.MaxRisk = 0.25);
        var action = await world.IncidentAsync();
        await world.Action(action.Id).ApproveAsync("admin:alice", "ok");
        await world.Action(action.Id).DispatchAsync();
        await world.Action(action.Id).ReportOutcomeAsync(true, "done");

        var log = fixture.Client.GetGrain<IAuditLogGrain>(world.Tenant);
        var events = (await log.ListAsync(1, 100)).Select(r => r.Event).ToList();

        Assert.Equal(["policy.changed", "action.proposed", "action.approved", "action.dispatched", "action.succeeded"], events);
        Assert.True((await log.VerifyAsync()).Valid);
    }
}
