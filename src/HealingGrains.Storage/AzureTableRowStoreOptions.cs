namespace HealingGrains.Storage;

/// <summary>Settings of <see cref="AzureTableRowStore"/>: a connection string (Azurite, development) or a service URI (managed identity).</summary>
public sealed class AzureTableRowStoreOptions
{
    /// <summary>A storage connection string, e.g. Azurite's. Default: none.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The table service endpoint, authenticated with <c>DefaultAzureCredential</c> (managed identity in Azure). Default: none.</summary>
    public Uri? ServiceUri { get; init; }

    /// <summary>Letters and digits put before every table name, so several installations can share an account. Default: none.</summary>
    public string TablePrefix { get; init; } = "";

    /// <summary>How long one attempt may wait for the table service before it counts as failed. Default: 3 seconds.</summary>
    public TimeSpan NetworkTimeout { get; init; } = StorageRetry.DefaultNetworkTimeout;

    /// <summary>Retries after a failed attempt before the call fails. Default: 1.</summary>
    public int MaxRetries { get; init; } = StorageRetry.DefaultMaxRetries;

    /// <summary>A policy run on every attempt of every call (tests: an answer lost on the way back).</summary>
    internal Azure.Core.Pipeline.HttpPipelinePolicy? PerRetryPolicy { get; init; }
}
