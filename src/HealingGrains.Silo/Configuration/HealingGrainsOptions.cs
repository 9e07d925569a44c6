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

    /// <summary>Secrets the platform starts with.</summary>
    public BootstrapSettings Bootstrap { get; set; } = new();

    /// <summary>How the healing loop decides.</summary>
    public HealingSettings Healing { get; set; } = new();

    /// <summary>The data directory as an absolute path.</summary>
    public string DataDirectoryPath => Path.GetFullPath(DataDirectory);
}

/// <summary>Storage settings (<c>HealingGrains:Storage</c>).</summary>
public sealed class StorageSettings
{
    /// <summary>The row-store backend. Default and only one so far: <c>Sqlite</c>.</summary>
    public string Provider { get; set; } = "Sqlite";
}

/// <summary>Clustering settings (<c>HealingGrains:Clustering</c>).</summary>
public sealed class ClusteringSettings
{
    /// <summary>The membership provider. Default and only one so far: <c>Localhost</c> (a single silo on loopback).</summary>
    public string Provider { get; set; } = "Localhost";

    /// <summary>The silo-to-silo port. Default: 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port external Orleans clients connect to. Default: 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The Orleans cluster id. Default: <c>healinggrains</c>.</summary>
    public string ClusterId { get; set; } = "healinggrains";

    /// <summary>The Orleans service id; keep it stable across deployments, storage is keyed by it. Default: <c>healinggrains</c>.</summary>
    public string ServiceId { get; set; } = "healinggrains";
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
