namespace HealingGrains.Storage.Tests;

public sealed class SqliteRowStoreTests : RowStoreContractTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "hg-storage-tests", Guid.NewGuid().ToString("N"), "rows.db");

    protected override IRowStore Open() => new SqliteRowStore(new SqliteRowStoreOptions { DataSource = _path });

    [Fact]
    public void CreatesTheFoldersOfItsFile()
    {
        Assert.NotNull(Store);

        Assert.True(Directory.Exists(Path.GetDirectoryName(_path)));
    }
}
