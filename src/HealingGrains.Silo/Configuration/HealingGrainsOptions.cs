using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace HealingGrains.Silo.Configuration;

/// <summary>
/// Everything under the <c>HealingGrains</c> configuration section. Every setting has a default that runs the
/// embedded configuration (SQLite under <c>./data</c>, localhost cluster, memory streams) with nothing installed.
/// </summary>
public sealed class HealingGrainsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "HealingGrains";

    /// <summary>Folder for the SQLite file and the generated operator key file. Default: <c>data</c>, relative to the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Where grain state lives.</summary>
    public StorageSettings Storage { get; set; } = new();

    /// <summary>How silos find each other.</summary>
    public ClusteringSettings Clustering { get; set; } = new();

    /// <summary>Where the diagnostics stream keeps accepted telemetry until it is processed.</summary>
    public StreamsSettings Streams { get; set; } = new();

    /// <summary>Secrets the platform starts with.</summary>
    public BootstrapSettings Bootstrap { get; set; } = new();

    /// <summary>The admin portal's sign-in.</summary>
    public PortalSettings Portal { get; set; } = new();

    /// <summary>How the healing loop decides.</summary>
    public HealingSettings Healing { get; set; } = new();

    /// <summary>The data directory as an absolute path.</summary>
    public string DataDirectoryPath => Path.GetFullPath(DataDirectory);
}

/// <summary>Storage settings (<c>HealingGrains:Storage</c>).</summary>
public sealed class StorageSettings
{
    /// <summary>The row-store backend: <c>Sqlite</c> (default, a file under the data directory) or <c>AzureTable</c>.</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>AzureTable: a connection string (Azurite, development). Default: none.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>AzureTable: the table service URI, authenticated with managed identity (<c>DefaultAzureCredential</c>). Default: none.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>AzureTable: letters and digits before every table name. Default: none.</summary>
    public string TablePrefix { get; set; } = "";

    /// <summary>
    /// Azure tables and queues (the durable stream too): how long one attempt may wait for the service. With
    /// <see cref="MaxRetries"/> it bounds how long a request waits on storage that does not answer before it is 503.
    /// Default: 3 seconds.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = Storage.StorageRetry.DefaultNetworkTimeout;

    /// <summary>Azure tables and queues: retries after a failed attempt. Default: 1.</summary>
    public int MaxRetries { get; set; } = Storage.StorageRetry.DefaultMaxRetries;
}

/// <summary>
/// Diagnostics stream settings (<c>HealingGrains:Streams</c>). The provider is chosen when the silo is built. With
/// <c>Memory</c>, telemetry accepted by a silo that dies before processing it is lost; with <c>AzureQueue</c>, a 202 means
/// the events are stored in an Azure Storage queue and will be counted exactly once (docs/architecture.md).
/// </summary>
public sealed class StreamsSettings
{
    /// <summary>The stream provider: <c>Memory</c> (default, in the silos' memory) or <c>AzureQueue</c> (durable).</summary>
    public string Provider { get; set; } = "Memory";

    /// <summary>AzureQueue: a connection string (Azurite, development). Default: none.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>AzureQueue: the queue service URI, authenticated with managed identity (<c>DefaultAzureCredential</c>). Default: none.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>AzureQueue: the start of the queue names (<c>&lt;prefix&gt;-0</c> …): lowercase letters, digits, single hyphens. Default: <c>diagnostics</c>.</summary>
    public string QueuePrefix { get; set; } = "diagnostics";

    /// <summary>AzureQueue, and Memory on one silo: how many queues the deployments' streams are spread over (one pulling agent each); never lower it while messages wait in Azure. Default: 8.</summary>
    public int QueueCount { get; set; } = 8;

    /// <summary>AzureQueue: how long a silo hides a message it read; after a silo dies, its messages come back after this. Default: 30 seconds.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Memory: how often each queue's pulling agent reads what was published (Orleans' own default is 100 ms); a batch
    /// waits up to this long before its processing starts. Between 1 ms and 1 s. Default: 5 ms.
    /// </summary>
    public TimeSpan ReadInterval { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Whether the durable Azure queue stream is selected.</summary>
    public bool IsAzureQueue => string.Equals(Provider, "AzureQueue", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Clustering settings (<c>HealingGrains:Clustering</c>).</summary>
public sealed class ClusteringSettings
{
    /// <summary>The membership provider: <c>Localhost</c> (default, a single silo on loopback) or <c>Redis</c>.</summary>
    public string Provider { get; set; } = "Localhost";

    /// <summary>Redis: the connection string, e.g. <c>127.0.0.1:6379</c>. Default: none.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The <see cref="AdvertisedAddress"/> that advertises this machine's own address.</summary>
    public const string AutoAddress = "Auto";

    /// <summary>
    /// Redis: the address other silos reach this one at: an IP address, or <c>Auto</c> for this machine's first
    /// non-loopback IPv4 address (each container replica advertises its own). Default: 127.0.0.1 (every silo on this machine).
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>The silo-to-silo port. Default: 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port external Orleans clients connect to. Default: 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The Orleans cluster id. Default: <c>healinggrains</c>.</summary>
    public string ClusterId { get; set; } = "healinggrains";

    /// <summary>The Orleans service id; keep it stable across deployments, storage is keyed by it. Default: <c>healinggrains</c>.</summary>
    public string ServiceId { get; set; } = "healinggrains";

    /// <summary>
    /// The address to advertise: <see cref="AdvertisedAddress"/> itself, or for <c>Auto</c> the first IPv4 address of an
    /// operational, non-loopback network interface. Null when it is neither an IP address nor resolvable.
    /// </summary>
    public IPAddress? ResolveAdvertisedAddress()
    {
        if (!string.Equals(AdvertisedAddress, AutoAddress, StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.TryParse(AdvertisedAddress, out var address) ? address : null;
        }

        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
    }
}

/// <summary>Bootstrap secrets (<c>HealingGrains:Bootstrap</c>).</summary>
public sealed class BootstrapSettings
{
    /// <summary>
    /// The operator key (env <c>HealingGrains__Bootstrap__OperatorKey</c>), at least 32 characters. Default: none; on
    /// the embedded default one is generated at first start and written to <c>&lt;DataDirectory&gt;/operator.key</c>.
    /// </summary>
    public string? OperatorKey { get; set; }
}

/// <summary>Healing settings (<c>HealingGrains:Healing</c>).</summary>
public sealed class HealingSettings
{
    /// <summary>Seed of the exploration's random choices, for replayable simulations. Default: none (random).</summary>
    public int? RandomSeed { get; set; }
}

/// <summary>Portal settings (<c>HealingGrains:Portal</c>).</summary>
public sealed class PortalSettings
{
    /// <summary>OpenID Connect (Entra ID) sign-in, in addition to local accounts. Default: off.</summary>
    public OidcSettings Oidc { get; set; } = new();
}

/// <summary>
/// OpenID Connect settings (<c>HealingGrains:Portal:Oidc</c>). Off unless <see cref="Authority"/> is set. A signed-in
/// user becomes an admin of the tenant named by <see cref="TenantClaim"/> when it holds the role <see cref="AdminRole"/>.
/// </summary>
public sealed class OidcSettings
{
    /// <summary>The issuer, e.g. <c>https://login.microsoftonline.com/&lt;directory&gt;/v2.0</c>. Default: none (off).</summary>
    public string? Authority { get; set; }

    /// <summary>The application (client) id. Required with an authority.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret (from Key Vault or a secret store, never a plain setting in production).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The claim that names the user's tenant. Default: <c>hg_tenant</c>.</summary>
    public string TenantClaim { get; set; } = "hg_tenant";

    /// <summary>The app role that makes a user a tenant admin. Default: <c>HealingGrains.Admin</c>.</summary>
    public string AdminRole { get; set; } = "HealingGrains.Admin";

    /// <summary>Whether OpenID Connect is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}
