using System.Security.Cryptography;
using System.Text;

namespace HealingGrains.Core.Fingerprinting;

/// <summary>
/// An online template miner in the manner of Drain: messages are masked and tokenised, routed by token count and
/// leading tokens to a few candidate clusters, and join the most similar one above the threshold, whose template then
/// generalises (differing positions become variables). A cluster's id is fixed when it is created.
/// </summary>
/// <remarks>Not thread-safe: one miner belongs to one grain activation or one command.</remarks>
public sealed class TemplateMiner
{
    private readonly Dictionary<string, List<Cluster>> _routes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Cluster> _byId = new(StringComparer.Ordinal);
    private long _clock;

    /// <summary>A miner with the given (or the default) configuration.</summary>
    public TemplateMiner(TemplateMinerOptions? options = null) => Options = options ?? new TemplateMinerOptions();

    /// <summary>The configuration.</summary>
    public TemplateMinerOptions Options { get; }

    /// <summary>How many clusters the miner holds.</summary>
    public int ClusterCount => _byId.Count;

    /// <summary>Rebuilds a miner from <see cref="Snapshot"/>'s output: same ids, same templates.</summary>
    public static TemplateMiner Restore(IEnumerable<TemplateClusterSnapshot> clusters, TemplateMinerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        var miner = new TemplateMiner(options);
        foreach (var snapshot in clusters)
        {
            var cluster = new Cluster(snapshot.Id, [.. snapshot.Tokens]) { Count = snapshot.Count, LastSeen = snapshot.LastSeen };
            miner.Insert(cluster);
            miner._clock = Math.Max(miner._clock, snapshot.LastSeen);
        }

        return miner;
    }

    /// <summary>Assigns the message to a cluster, creating or generalising one as needed.</summary>
    public TemplateMatch Add(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var tokens = TemplateTokenizer.Tokenize(message);
        var route = RouteOf(tokens);
        _clock++;

        var best = Best(route, tokens);
        if (best is not null)
        {
            var changed = best.Generalise(tokens);
            best.Count++;
            best.LastSeen = _clock;
            return new TemplateMatch(best.Id, best.Template, Created: false, TemplateChanged: changed);
        }

        var cluster = new Cluster(NewId(tokens), [.. tokens]) { Count = 1, LastSeen = _clock };
        Insert(cluster);
        EvictIfFull();
        return new TemplateMatch(cluster.Id, cluster.Template, Created: true, TemplateChanged: false);
    }

    /// <summary>The cluster the message would join, without learning from it; null when it would found a new one.</summary>
    public TemplateMatch? Match(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var tokens = TemplateTokenizer.Tokenize(message);
        var best = Best(RouteOf(tokens), tokens);
        return best is null ? null : new TemplateMatch(best.Id, best.Template, Created: false, TemplateChanged: false);
    }

    /// <summary>The cluster's current template.</summary>
    public string GetTemplate(string clusterId) =>
        _byId.TryGetValue(clusterId, out var cluster)
            ? cluster.Template
            : throw new KeyNotFoundException($"No template cluster '{clusterId}'.");

    /// <summary>Every cluster, for persistence.</summary>
    public IReadOnlyList<TemplateClusterSnapshot> Snapshot() =>
        [.. _byId.Values.Select(c => new TemplateClusterSnapshot(c.Id, [.. c.Tokens], c.Count, c.LastSeen))];

    private Cluster? Best(string route, List<string> tokens)
    {
        if (!_routes.TryGetValue(route, out var candidates))
        {
            return null;
        }

        Cluster? best = null;
        var bestSimilarity = -1.0;
        var bestWildcards = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var (similarity, wildcards) = candidate.Similarity(tokens);
            if (similarity > bestSimilarity || (similarity == bestSimilarity && wildcards < bestWildcards))
            {
                best = candidate;
                bestSimilarity = similarity;
                bestWildcards = wildcards;
            }
        }

        return bestSimilarity >= Options.SimilarityThreshold ? best : null;
    }

    private string RouteOf(List<string> tokens)
    {
        var builder = new StringBuilder().Append(tokens.Count);
        for (var i = 0; i < Math.Min(Options.MaxDepth, tokens.Count); i++)
        {
            // A token holding a variable routes like a variable, so that a value in front cannot split a group.
            var token = tokens[i].Contains(VariableMasker.Wildcard, StringComparison.Ordinal) ? VariableMasker.Wildcard : tokens[i];
            builder.Append('\u0001').Append(token);
        }

        return builder.ToString();
    }

    private void Insert(Cluster cluster)
    {
        _byId[cluster.Id] = cluster;
        var route = RouteOf(cluster.Tokens);
        if (!_routes.TryGetValue(route, out var list))
        {
            _routes[route] = list = [];
        }

        list.Add(cluster);
    }

    private string NewId(List<string> tokens)
    {
        var basis = "tpl\n" + string.Join(' ', tokens);
        for (var attempt = 0; ; attempt++)
        {
            var text = attempt == 0 ? basis : $"{basis}\n#{attempt}";
            var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
            if (!_byId.ContainsKey(id))
            {
                return id;
            }
        }
    }

    private void EvictIfFull()
    {
        if (_byId.Count <= Options.MaxClusters)
        {
            return;
        }

        var evict = Math.Max(1, Options.MaxClusters / 10);
        foreach (var cluster in _byId.Values.OrderBy(c => c.LastSeen).Take(evict).ToList())
        {
            _byId.Remove(cluster.Id);
            var route = RouteOf(cluster.Tokens);
            var list = _routes[route];
            list.Remove(cluster);
            if (list.Count == 0)
            {
                _routes.Remove(route);
            }
        }
    }

    private sealed class Cluster(string id, List<string> tokens)
    {
        public string Id { get; } = id;

        public List<string> Tokens { get; } = tokens;

        public long Count { get; set; }

        public long LastSeen { get; set; }

        public string Template => string.Join(' ', Tokens);

        public (double Similarity, int Wildcards) Similarity(List<string> tokens)
        {
            var equal = 0;
            var wildcards = 0;
            for (var i = 0; i < Tokens.Count; i++)
            {
                if (Tokens[i] == tokens[i])
                {
                    equal++;
                }

                if (Tokens[i] == VariableMasker.Wildcard)
                {
                    wildcards++;
                }
            }

            return (Tokens.Count == 0 ? 1.0 : (double)equal / Tokens.Count, wildcards);
        }

        public bool Generalise(List<string> tokens)
        {
            var changed = false;
            for (var i = 0; i < Tokens.Count; i++)
            {
                if (Tokens[i] != tokens[i] && Tokens[i] != VariableMasker.Wildcard)
                {
                    Tokens[i] = VariableMasker.Wildcard;
                    changed = true;
                }
            }

            return changed;
        }
    }
}
