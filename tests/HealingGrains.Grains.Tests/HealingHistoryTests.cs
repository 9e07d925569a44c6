using System.Text.Json;
using HealingGrains.Storage;

namespace HealingGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class HealingHistoryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task EveryProposalAndOutcomeIsKeptAsAnAppendOnlyRecord()
    {
        var world = await HealingWorld.CreateAsync(fixture, "restart");
        var action = await world.IncidentAsync();
        await world.Action(action.Id).ApproveAsync("admin:alice", null);
        await world.Action(action.Id).ReportOutcomeAsync(false, "no luck");

        using var store = new SqliteRowStore(new SqliteRowStoreOptions { DataSource = fixture.DatabasePath });
        var records = new List<JsonElement>();
        await foreach (var row in store.QueryAsync(HealingActionGrain.HistoryTable, RowKeys.Escape(world.Tenant), cancellationToken: TestContext.Current.CancellationToken))
        {
            records.Add(JsonDocument.Parse(row.Data).RootElement.Clone());
        }

        Assert.Equal(["proposed", "failed"], records.Select(r => r.GetProperty("event").GetString()));
        var proposed = records[0];
        Assert.Equal(action.Fingerprint, proposed.GetProperty("fingerprint").GetString());
        Assert.Equal("restart", proposed.GetProperty("kind").GetString());
        Assert.Equal(action.Confidence, proposed.GetProperty("confidence").GetDouble(), 6);
        Assert.Equal(1, proposed.GetProperty("policyVersion").GetInt32());
        Assert.Equal("beta-thompson/1", proposed.GetProperty("models").GetProperty("recommender").GetString());
        Assert.True(proposed.GetProperty("before").GetProperty("errorRatePerMinute").GetDouble() > 0);
        var failed = records[1];
        Assert.Equal("admin:alice", failed.GetProperty("decision").GetString());
        Assert.False(failed.GetProperty("after").GetProperty("succeeded").GetBoolean());
        Assert.Equal("Failed", failed.GetProperty("after").GetProperty("actionState").GetString());
    }
}
