namespace HealingGrains.Grains.Federation;

/// <summary>The bounds of a federation shard's state.</summary>
public sealed partial class FederationGrain
{
    /// <summary>
    /// The most contributions (one per contributor and pattern) a shard keeps, about 1.2 MB of state, under the row
    /// store's 2 MiB; past it the least recently changed give way. 256 shards: about 4 million platform-wide.
    /// </summary>
    public const int MaxContributions = 16_000;

    /// <summary>The most imported patterns a shard keeps per issuer (a bundle's signatures spread evenly over the shards).</summary>
    public const int MaxImportedPatterns = 4_000;

    // Past the cap, the least recently changed contributions give way (and patterns and signatures left empty).
    private void Evict()
    {
        var signatures = state.State.Signatures;
        var count = signatures.Values.Sum(s => s.Kinds.Values.Sum(k => k.Count));
        if (count <= MaxContributions)
        {
            return;
        }

        var oldest = signatures
            .SelectMany(s => s.Value.Kinds.SelectMany(k => k.Value.Select(c => (Signature: s.Key, Kind: k.Key, Contributor: c.Key, c.Value.UpdatedAt))))
            .OrderBy(e => e.UpdatedAt)
            .Take(count - MaxContributions)
            .ToList();
        foreach (var (signature, kind, contributor, _) in oldest)
        {
            var kinds = signatures[signature].Kinds;
            kinds[kind].Remove(contributor);
            if (kinds[kind].Count == 0)
            {
                kinds.Remove(kind);
            }

            if (kinds.Count == 0)
            {
                signatures.Remove(signature);
            }
        }
    }
}
