using HealingGrains.Testing;

namespace HealingGrains.Storage.Tests;

/// <summary>The row-store contract on Azure Table storage, through Azurite; each test has tables of its own.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableRowStoreTests(AzuriteFixture azurite) : RowStoreContractTests
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..10];

    protected override IRowStore Open() =>
        new AzureTableRowStore(new AzureTableRowStoreOptions { ConnectionString = azurite.ConnectionString, TablePrefix = _prefix });

    [Fact]
    public void NeedsAConnectionStringOrAServiceUri() =>
        Assert.Throws<ArgumentException>(() => new AzureTableRowStore(new AzureTableRowStoreOptions()));
}
