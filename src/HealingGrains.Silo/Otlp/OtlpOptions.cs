namespace HealingGrains.Silo.Otlp;

/// <summary>Limits of the OTLP/HTTP receiver (<c>HealingGrains:Otlp</c>).</summary>
public sealed class OtlpOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "HealingGrains:Otlp";

    /// <summary>The largest request body as sent (compressed or not), in bytes. Default: 4 MiB (4194304).</summary>
    public int MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The largest body after gzip decompression, in bytes; more is refused, never inflated further. Default: 16 MiB (16777216).</summary>
    public int MaxDecompressedBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The most log records, data points or spans one request may carry. Default: 20,000.</summary>
    public int MaxItemsPerRequest { get; set; } = 20_000;

    /// <summary>Requests per second a tenant may send to the receiver, per host (a token bucket). Default: 50.</summary>
    public int RequestsPerSecond { get; set; } = 50;

    /// <summary>How many requests a tenant may send at once above the steady rate (the bucket's size). Default: 200.</summary>
    public int Burst { get; set; } = 200;
}
