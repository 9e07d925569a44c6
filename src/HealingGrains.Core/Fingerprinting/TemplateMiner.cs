using System.Security.Cryptography;
using System.Text;

namespace HealingGrains.Core.Fingerprinting;

/// <summary>
/// An online template miner. A message is scanned into its masked token sequence (its shape); a shape seen before
/// goes straight to its cluster through one hash lookup, without allocating. A new shape is routed by token count
/// and leading tokens to a few candidate clusters and joins the most similar one whose every differing position is
/// compatible (<see cref="TokenRules"/>) and which covers at least <see cref="TemplateMinerOptions.SimilarityThreshold"/>
/// of its positions; the cluster's template then generalises. A cluster's id is fixed when it is created.
/// </summary>
/// <remarks>Not thread-safe: one miner belongs to one grain activation or one command.</remarks>
public sealed class TemplateMiner
{
    private readonly Dictionary<string, List<Cluster>> _routes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Cluster> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Cluster> _shapes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Cluster>.AlternateLookup<ReadOnlySpan<char>> _shapeLookup;
    private readonly MessageScanner _scanner = new();
    private long _clock;

    /// <summary>A miner with the given (or the default) configuration.</summary>
    public TemplateMiner(TemplateMinerOptions? options = null)
    {
        Options = options ?? new TemplateMinerOptions();
        _shapeLookup = _shapes.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The configuration.</summary>
    public TemplateMinerOptions Options { get; }

    /// <summary>How many clusters the miner holds (at most <see cref="TemplateMinerOptions.MaxClusters"/>).</summary>
    public int ClusterCount => _byId.Count;

    /// <summary>How many shapes the miner remembers for its fast path (at most <see cref="TemplateMinerOptions.MaxShapes"/>).</summary>
    public int ShapeCount => _shapes.Count;

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
        var shape = _scanner.Scan(message);
        _clock++;
        if (_shapeLookup.TryGetValue(shape, out var known))
        {
            known.Count++;
            known.LastSeen = _clock;
            return new TemplateMatch(known.Id, known.Template, Created: false, TemplateChanged: false);
        }

        var key = shape.ToString();
        var tokens = TokensOf(key);
        var route = RouteOf(tokens);
        var best = Best(route, tokens);
        TemplateMatch match;
        if (best is not null)
        {
            var changed = best.Generalise(tokens);
            best.Count++;
            best.LastSeen = _clock;
            match = new TemplateMatch(best.Id, best.Template, Created: false, TemplateChanged: changed);
        }
        else
        {
            best = new Cluster(NewId(tokens), tokens) { Count = 1, LastSeen = _clock };
            Insert(best);
            EvictIfFull();
            match = new TemplateMatch(best.Id, best.Template, Created: true, TemplateChanged: false);
        }

        Remember(key, best);
        return match;
    }

    /// <summary>The cluster the message would join, without learning from it; null when it would found a new one.</summary>
    public TemplateMatch? Match(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var shape = _scanner.Scan(message);
        if (_shapeLookup.TryGetValue(shape, out var known))
        {
            return new TemplateMatch(known.Id, known.Template, Created: false, TemplateChanged: false);
        }

        var tokens = TokensOf(shape.ToString());
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

    private static string[] TokensOf(string shape) => shape.Length == 0 ? [] : shape.Split(' ');

    private Cluster? Best(string route, string[] tokens)
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
            if (candidate.Similarity(tokens, Math.Max(bestSimilarity, Options.SimilarityThreshold)) is not { } similarity)
            {
                continue;
            }

            if (similarity > bestSimilarity || (similarity == bestSimilarity && candidate.Wildcards < bestWildcards))
            {
                best = candidate;
                bestSimilarity = similarity;
                bestWildcards = candidate.Wildcards;
            }
        }

        return bestSimilarity >= Options.SimilarityThreshold ? best : null;
    }

    private string RouteOf(string[] tokens)
    {
        var builder = new StringBuilder().Append(tokens.Length);
        for (var i = 0; i < Math.Min(Options.MaxDepth, tokens.Length); i++)
        {
            // A token that holds or may be a value routes like a variable, so that a value in front cannot split a group.
            var token = tokens[i];
            var valueLike = token.Contains(VariableMasker.Wildcard, StringComparison.Ordinal)
                || token.Trim('.').Contains('.', StringComparison.Ordinal)
                || token.Contains('/', StringComparison.Ordinal)
                || token.Contains('=', StringComparison.Ordinal);
            builder.Append('\u0001').Append(valueLike ? VariableMasker.Wildcard : token);
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

    private void Remember(string shape, Cluster cluster)
    {
        if (_shapes.Count >= Options.MaxShapes)
        {
            // The fast path's memory is bounded: past the cap it starts afresh; shapes find their clusters again.
            _shapes.Clear();
        }

        _shapes[shape] = cluster;
    }

    private string NewId(string[] tokens)
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
        var evicted = _byId.Values.OrderBy(c => c.LastSeen).Take(evict).ToHashSet();
        foreach (var cluster in evicted)
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

        foreach (var shape in _shapes.Where(s => evicted.Contains(s.Value)).Select(s => s.Key).ToList())
        {
            _shapes.Remove(shape);
        }
    }

    private sealed class Cluster
    {
        public Cluster(string id, string[] tokens)
        {
            Id = id;
            Tokens = tokens;
            Refresh();
        }

        public string Id { get; }

        public string[] Tokens { get; }

        public long Count { get; set; }

        public long LastSeen { get; set; }

        public string Template { get; private set; } = "";

        public int Wildcards { get; private set; }

        /// <summary>
        /// The share of positions the template covers as they are; null when a differing position is incompatible or
        /// when the share cannot reach <paramref name="toBeat"/>.
        /// </summary>
        public double? Similarity(string[] tokens, double toBeat)
        {
            var covered = 0;
            var missed = 0;
            for (var i = 0; i < Tokens.Length; i++)
            {
                var token = Tokens[i];
                if (token == tokens[i] || (_hasVariable[i] && TokenRules.Glob(token, tokens[i])))
                {
                    covered++;
                    continue;
                }

                missed++;
                if ((double)(Tokens.Length - missed) / Tokens.Length < toBeat
                    || !TokenRules.Compatible(token, tokens[i], i > 0 ? Tokens[i - 1] : null))
                {
                    return null;
                }
            }

            return Tokens.Length == 0 ? 1.0 : (double)covered / Tokens.Length;
        }

        public bool Generalise(string[] tokens)
        {
            var changed = false;
            for (var i = 0; i < Tokens.Length; i++)
            {
                var general = TokenRules.Generalise(Tokens[i], tokens[i]);
                if (general != Tokens[i])
                {
                    Tokens[i] = general;
                    changed = true;
                }
            }

            if (changed)
            {
                Refresh();
            }

            return changed;
        }

        private bool[] _hasVariable = [];

        private void Refresh()
        {
            _hasVariable = [.. Tokens.Select(t => t.Contains(VariableMasker.Wildcard, StringComparison.Ordinal))];
            Template = string.Join(' ', Tokens);
            Wildcards = Tokens.Count(t => t == VariableMasker.Wildcard);
        }
    }
}
