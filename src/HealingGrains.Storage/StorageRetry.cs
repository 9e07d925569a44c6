using Azure.Core;

namespace HealingGrains.Storage;

/// <summary>
/// How the Azure SDK clients of the row store and the durable stream retry. The SDK's own defaults (three retries, a
/// 100-second network timeout, exponential delays from 0.8 s) would hold an API request for minutes on a storage
/// account that stopped answering; the host answers 503 instead, quickly, and the client retries.
/// </summary>
public static class StorageRetry
{
    /// <summary>The default time one attempt may wait for the service (per request, and per read of a response body).</summary>
    public static readonly TimeSpan DefaultNetworkTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The default number of retries after a failed attempt (a dropped connection, a timeout, a 5xx).</summary>
    public const int DefaultMaxRetries = 1;

    /// <summary>
    /// The longest one storage call can take when the service does not answer at all:
    /// every attempt times out, with the delays between them.
    /// </summary>
    public static TimeSpan WorstCase(TimeSpan networkTimeout, int maxRetries) =>
        (networkTimeout * (maxRetries + 1)) + (MaxDelay * maxRetries);

    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    /// <summary>Sets <paramref name="retry"/> to fail within <see cref="WorstCase"/>.</summary>
    public static void Apply(RetryOptions retry, TimeSpan networkTimeout, int maxRetries)
    {
        ArgumentNullException.ThrowIfNull(retry);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(networkTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = maxRetries;
        retry.Delay = Delay;
        retry.MaxDelay = MaxDelay;
        retry.NetworkTimeout = networkTimeout;
    }
}
