namespace HealingGrains.Core.Simulation;

/// <summary>A fault: its own error text, the tenant whose software suffers it, and how likely each fix is to work.</summary>
public sealed record Fault(string Name, int Tenant, string ExceptionType, string MessageFormat, IReadOnlyDictionary<string, double> SuccessProbability)
{
    /// <summary>The best fix's success probability (what an oracle would get).</summary>
    public double Best => SuccessProbability.Values.Max();

    /// <summary>The fix that usually works.</summary>
    public string BestKind => SuccessProbability.MaxBy(p => p.Value).Key;

    /// <summary>
    /// The hidden success probability of <paramref name="kind"/> in its context: right after a release, anything but a
    /// rollback works only <see cref="SimulationWorld.FreshReleasePenalty"/> as often (restarting or scaling a broken
    /// release rarely helps, and it disturbs a deployment that is still settling).
    /// </summary>
    public double Success(string kind, bool afterRelease) =>
        SuccessProbability[kind] * (afterRelease && kind != "rollback-version" ? SimulationWorld.FreshReleasePenalty : 1);

    /// <summary>The best fix's success probability in the context.</summary>
    public double BestIn(bool afterRelease) => SuccessProbability.Keys.Max(k => Success(k, afterRelease));

    /// <summary>An instance of the fault's error message with fresh values.</summary>
    public string Message(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, MessageFormat, random.Next(10, 60_000), random.Next(1, 100_000));
    }
}

/// <summary>
/// Simulated tenants and the faults their deployments suffer. Each fault belongs to one tenant (its own code, its own
/// failure modes), has one fix that usually works (success probability 0.8–0.95) and others that rarely do
/// (0.05–0.5). The probabilities are hidden from the host; only outcomes reach it.
/// </summary>
public sealed class SimulationWorld
{
    /// <summary>How much less often anything but a rollback works right after a release.</summary>
    public const double FreshReleasePenalty = 0.25;

    /// <summary>Every action kind a simulated deployment can run.</summary>
    public static readonly string[] AllKinds = ["restart", "scale-out", "rollback-version", "clear-cache", "failover"];

    private static readonly (string Type, string Format)[] Texts =
    [
        ("System.TimeoutException", "Timeout after {0} ms calling payments gateway for order {1}"),
        ("System.OutOfMemoryException", "Worker {0} ran out of memory while rendering invoice batch {1}"),
        ("Npgsql.NpgsqlException", "Connection pool exhausted: {0} of {1} connections in use"),
        ("System.IO.IOException", "Disk quota exceeded writing export {0} ({1} bytes)"),
        ("StackExchange.Redis.RedisConnectionException", "Cache node {0} unreachable after {1} retries"),
        ("System.InvalidOperationException", "Order state machine stuck in step {0} for tenant shard {1}"),
        ("System.Net.Http.HttpRequestException", "Inventory service returned 503 after {0} ms for sku {1}"),
        ("System.Threading.Tasks.TaskCanceledException", "Search index refresh cancelled after {0} s at segment {1}"),
        ("System.Security.Authentication.AuthenticationException", "Token refresh failed for client {0} after {1} attempts"),
        ("System.Data.DataException", "Replication lag of {0} s on replica {1} exceeded the limit"),
    ];

    private SimulationWorld(int tenants, IReadOnlyList<string> kinds, IReadOnlyList<Fault> faults)
    {
        Tenants = tenants;
        Kinds = kinds;
        Faults = faults;
    }

    /// <summary>How many tenants suffer the faults.</summary>
    public int Tenants { get; }

    /// <summary>The action kinds every simulated deployment can run.</summary>
    public IReadOnlyList<string> Kinds { get; }

    /// <summary>The faults.</summary>
    public IReadOnlyList<Fault> Faults { get; }

    /// <summary>A world with the given shape, the same for the same seed.</summary>
    public static SimulationWorld Create(int tenants, int faults, int kinds, int seed)
    {
        if (tenants < 1 || faults < 1 || faults > Texts.Length || kinds < 2 || kinds > AllKinds.Length)
        {
            throw new ArgumentException($"A world needs at least 1 tenant, 1 to {Texts.Length} faults and 2 to {AllKinds.Length} action kinds.");
        }

        var random = new Random(seed);
        var kindList = AllKinds.Take(kinds).ToArray();
        var list = new List<Fault>();
        for (var f = 0; f < faults; f++)
        {
            var best = kindList[random.Next(kindList.Length)];
            var probabilities = kindList.ToDictionary(
                k => k,
                k => k == best ? 0.8 + (0.15 * random.NextDouble()) : 0.05 + (0.45 * random.NextDouble()),
                StringComparer.Ordinal);
            list.Add(new Fault($"fault-{f + 1}", f % tenants, Texts[f].Type, Texts[f].Format, probabilities));
        }

        return new SimulationWorld(tenants, kindList, list);
    }
}
