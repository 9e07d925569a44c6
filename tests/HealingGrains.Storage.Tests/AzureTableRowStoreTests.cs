using HealingGrains.Testing;

namespace HealingGrains.Storage.Tests;

/// <summary>The row-store contract on Azure Table storage, through Azurite; each test has tables of its own.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableRowStoreTests(AzuriteFixture azurite) : RowStoreContractTests
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..10];

    // The contract, not outages: a loaded machine can keep Azurite from answering within the host's 3 s, and a retried
    // insert then finds its own row (see the closing note); here the client waits as long as the test may.
    protected override IRowStore Open() =>
        new AzureTableRowStore(new AzureTableRowStoreOptions { ConnectionString = azurite.ConnectionString, TablePrefix = _prefix, NetworkTimeout = TimeSpan.FromSeconds(30) });

    [Fact]
    public void NeedsAConnectionStringOrAServiceUri() =>
        Assert.Throws<ArgumentException>(() => new AzureTableRowStore(new AzureTableRowStoreOptions()));
}
