namespace HealingGrains.Storage;

/// <summary>Settings of <see cref="SqliteRowStore"/>.</summary>
public sealed class SqliteRowStoreOptions
{
    /// <summary>Path of the SQLite file; its folder is created when missing. Required; no default.</summary>
    public required string DataSource { get; init; }
}
