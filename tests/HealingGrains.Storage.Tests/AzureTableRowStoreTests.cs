using HealingGrains.Testing;

namespace HealingGrains.Storage.Tests;

/// <summary>The row-store contract on Azure Table storage, through Azurite; each test has tables of its own.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableRowStoreTests(AzuriteFixture azurite) : RowStoreContractTests
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..10];

    // The contract, not outages: a loaded machine can keep Azurite from answering within the host's 3 s twice in a row,
    // and the call then fails; here the client waits as long as the test may.
    protected override IRowStore Open() =>
        new AzureTableRowStore(new AzureTableRowStoreOptions { ConnectionString = azurite.ConnectionString, TablePrefix = _prefix, NetworkTimeout = TimeSpan.FromSeconds(30) });

    // The first answer to a write is lost after the service applied it: the client's retry finds the row it wrote itself,
    // which is the write's success, not a conflict (a loaded machine made Azurite answer after the client had given up).
    [Fact]
    public async Task AWriteWhoseAnswerWasLostAndThatTheClientRetriedSucceedsOnce()
    {
        var losing = new LoseAnAnswer();
        var store = new AzureTableRowStore(new AzureTableRowStoreOptions
        {
            ConnectionString = azurite.ConnectionString, TablePrefix = _prefix, NetworkTimeout = TimeSpan.FromSeconds(30), PerRetryPolicy = losing,
        });

        losing.Armed = true;
        var inserted = await store.WriteAsync("grains", "p", "r", new byte[] { 1, 2, 3 }, expectedETag: null, TestContext.Current.CancellationToken);
        Assert.Equal(1, losing.Lost);
        Assert.Equal(inserted, (await store.ReadAsync("grains", "p", "r", TestContext.Current.CancellationToken))!.ETag);

        losing.Armed = true;
        var replaced = await store.WriteAsync("grains", "p", "r", new byte[] { 4, 5 }, inserted, TestContext.Current.CancellationToken);
        Assert.Equal(2, losing.Lost);
        var row = (await store.ReadAsync("grains", "p", "r", TestContext.Current.CancellationToken))!;
        Assert.Equal(replaced, row.ETag);
        Assert.Equal(new byte[] { 4, 5 }, row.Data.ToArray());

        // Another writer's row is still a conflict.
        await Assert.ThrowsAsync<RowConflictException>(() => store.WriteAsync("grains", "p", "r", new byte[] { 6 }, expectedETag: null, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<RowConflictException>(() => store.WriteAsync("grains", "p", "r", new byte[] { 6 }, inserted, TestContext.Current.CancellationToken));
    }

    // Lets the next transaction reach the service, then loses its answer as a dropped connection would.
    private sealed class LoseAnAnswer : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        public volatile bool Armed;
        public int Lost;

        public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            LoseIfArmed(message);
        }

        public override async ValueTask ProcessAsync(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            LoseIfArmed(message);
        }

        private void LoseIfArmed(Azure.Core.HttpMessage message)
        {
            if (message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && Armed)
            {
                Armed = false;
                Interlocked.Increment(ref Lost);
                throw new IOException("The connection was reset before the answer arrived.");
            }
        }
    }

    [Fact]
    public void NeedsAConnectionStringOrAServiceUri() =>
        Assert.Throws<ArgumentException>(() => new AzureTableRowStore(new AzureTableRowStoreOptions()));
}
