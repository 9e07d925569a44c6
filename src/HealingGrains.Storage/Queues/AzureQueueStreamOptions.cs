namespace HealingGrains.Storage.Queues;

/// <summary>Where the durable stream keeps its messages: a fixed set of Azure Storage queues, <c>&lt;QueuePrefix&gt;-&lt;n&gt;</c>.</summary>
public sealed class AzureQueueStreamOptions
{
    /// <summary>A connection string (Azurite, development). Default: none.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The queue service URI, authenticated with managed identity (<c>DefaultAzureCredential</c>). Default: none.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>
    /// The start of every queue name: lowercase letters, digits and single hyphens, starting with a letter or digit.
    /// Default: <c>diagnostics</c>.
    /// </summary>
    public string QueuePrefix { get; set; } = "diagnostics";

    /// <summary>How many queues the streams are spread over; the silos share them out. Default: 8.</summary>
    public int QueueCount { get; set; } = 8;

    /// <summary>
    /// How long a message read by a silo stays hidden from the others. A message its silo did not delete (the silo died, or
    /// delivery failed) is read again after this. Default: 30 seconds.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one attempt may wait for the queue service before it counts as failed. Default: 3 seconds.</summary>
    public TimeSpan NetworkTimeout { get; set; } = StorageRetry.DefaultNetworkTimeout;

    /// <summary>Retries after a failed attempt before the call (a publication: the API's answer) fails. Default: 1.</summary>
    public int MaxRetries { get; set; } = StorageRetry.DefaultMaxRetries;

    /// <summary>Whether <paramref name="prefix"/> makes valid queue names with a <c>-&lt;n&gt;</c> suffix.</summary>
    public static bool IsValidPrefix(string prefix) =>
        prefix.Length is >= 1 and <= 56
        && prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && prefix[0] != '-' && prefix[^1] != '-' && !prefix.Contains("--", StringComparison.Ordinal);
}
