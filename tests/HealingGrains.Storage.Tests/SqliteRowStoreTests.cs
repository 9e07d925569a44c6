namespace HealingGrains.Storage.Tests;

public sealed class SqliteRowStoreTests : RowStoreContractTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "hg-storage-tests", Guid.NewGuid().ToString("N"), "rows.db");

    protected override IRowStore Open() => new SqliteRowStore(new SqliteRowStoreOptions { DataSource = _path });

    [Fact]
    public async Task AWriterThatCannotOpenItsFileFailsEveryWriteAndHangsNone()
    {
        // The file is a folder: SQLite cannot open it. Writes queued for the writer must fail, not wait for ever.
        var folder = Path.Combine(Path.GetTempPath(), "hg-storage-tests", Guid.NewGuid().ToString("N"), "rows.db");
        Directory.CreateDirectory(folder);
        using var store = new SqliteRowStore(new SqliteRowStoreOptions { DataSource = folder });

        var writes = Enumerable.Range(0, 20).Select(i => store.WriteAsync(Table, "p", $"r{i}", Bytes("x"), null, Ct)).ToList();
        foreach (var write in writes)
        {
            await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => write.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        }

        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => store.WriteAsync(Table, "p", "later", Bytes("x"), null, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public void CreatesTheFoldersOfItsFile()
    {
        Assert.NotNull(Store);

        Assert.True(Directory.Exists(Path.GetDirectoryName(_path)));
    }
}
