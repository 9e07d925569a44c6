using HealingGrains.Core.Federation;
using Microsoft.Extensions.Options;

namespace HealingGrains.Grains.Federation;

/// <inheritdoc cref="IFederationGrain"/>
public sealed partial class FederationGrain(
    [PersistentState(stateName: "federation", storageName: GrainStorageNames.State)] IPersistentState<FederationState> state,
    IOptions<FederationSettings> settings,
    TimeProvider time) : Grain, IFederationGrain
{
    private readonly FederationOptions _options = settings.Value.ToOptions();

    private string Shard => this.GetPrimaryKeyString();

    /// <inheritdoc/>
    public async Task<bool> ContributeAsync(FederatedContribution contribution)
    {
        ArgumentNullException.ThrowIfNull(contribution);
        if (!FederationKey.IsSignature(contribution.Signature)
            || FederationKey.Shard(contribution.Signature) != Shard
            || !FederatedKinds.IsShared(contribution.Kind)
            || !FederationKey.IsContributor(contribution.Contributor)
            || contribution.Outcomes < 1
            || contribution.Outcomes > _options.CapPerPeriod
            || FederatedCounts.Clamp(new NoisyCounts(contribution.Successes, contribution.Failures), contribution.Outcomes, _options) is not { } counts)
        {
            return false;
        }

        var now = time.GetUtcNow();
        var period = (now - DateTimeOffset.UnixEpoch).Ticks / _options.Period.Ticks;
        var signatures = state.State.Signatures;
        var kinds = signatures.GetValueOrDefault(contribution.Signature)?.Kinds;
        var entry = kinds?.GetValueOrDefault(contribution.Kind)?.GetValueOrDefault(contribution.Contributor);
        var periodOutcomes = entry is not null && entry.Period == period ? entry.PeriodOutcomes : 0;
        if (periodOutcomes + contribution.Outcomes > _options.CapPerPeriod)
        {
            return false;
        }

        if (entry is null)
        {
            if (kinds is null)
            {
                signatures[contribution.Signature] = new FederatedSignatureState();
                kinds = signatures[contribution.Signature].Kinds;
            }

            if (!kinds.TryGetValue(contribution.Kind, out var contributors))
            {
                kinds[contribution.Kind] = contributors = new Dictionary<string, FederatedContributorState>(StringComparer.Ordinal);
            }

            contributors[contribution.Contributor] = entry = new FederatedContributorState();
        }

        var (sums, outcomes) = FederatedCounts.Accumulate(
            new NoisyCounts(entry.Successes, entry.Failures), entry.Outcomes, counts, contribution.Outcomes, _options);
        entry.Successes = sums.Successes;
        entry.Failures = sums.Failures;
        entry.Outcomes = outcomes;
        entry.Period = period;
        entry.PeriodOutcomes = periodOutcomes + contribution.Outcomes;
        entry.UpdatedAt = now;
        Evict();
        await state.WriteStateAsync();
        return true;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<FederatedKindEstimate>> GetEstimatesAsync(string signature, string? excludeContributor)
    {
        var sources = new Dictionary<string, List<FederatedEstimate>>(StringComparer.Ordinal);
        if (state.State.Signatures.TryGetValue(signature, out var local))
        {
            foreach (var (kind, contributors) in local.Kinds)
            {
                var others = contributors.Where(c => c.Key != excludeContributor).Select(c => Counts(c.Value)).ToList();
                if (FederatedCounts.Estimate(others, _options) is { } estimate)
                {
                    Source(sources, kind).Add(estimate);
                }
            }
        }

        foreach (var import in state.State.Imports.Values)
        {
            foreach (var pattern in import.Patterns.Where(p => p.Signature == signature))
            {
                Source(sources, pattern.Kind).Add(new FederatedEstimate(pattern.Contributors, pattern.Cases, pattern.SuccessRate));
            }
        }

        IReadOnlyList<FederatedKindEstimate> estimates =
        [
            .. sources.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => FederatedCounts.Combine(s.Value) is { } combined
                ? new FederatedKindEstimate { Kind = s.Key, Organisations = combined.Contributors, Cases = combined.Cases, SuccessRate = combined.SuccessRate }
                : null).OfType<FederatedKindEstimate>(),
        ];
        return Task.FromResult(estimates);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<FederatedPatternInfo>> ListVisibleAsync()
    {
        var visible = new List<FederatedPatternInfo>();
        foreach (var (signature, local) in state.State.Signatures.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            foreach (var (kind, contributors) in local.Kinds.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                if (Estimate(contributors) is { } estimate)
                {
                    visible.Add(new FederatedPatternInfo
                    {
                        Signature = signature,
                        Kind = kind,
                        Contributors = estimate.Contributors,
                        Cases = Math.Round(estimate.Cases, 1),
                        SuccessRate = Math.Round(estimate.SuccessRate, 4),
                    });
                }
            }
        }

        return Task.FromResult<IReadOnlyList<FederatedPatternInfo>>(visible);
    }

    /// <inheritdoc/>
    public async Task<int> ImportAsync(FederationImport import)
    {
        ArgumentNullException.ThrowIfNull(import);
        if (state.State.Imports.TryGetValue(import.IssuerKey, out var held) && held.ExportedAt >= import.ExportedAt)
        {
            return -1;
        }

        var patterns = import.Patterns
            .Where(p => FederationKey.IsSignature(p.Signature) && FederationKey.Shard(p.Signature) == Shard && FederatedKinds.IsShared(p.Kind))
            .Take(MaxImportedPatterns)
            .ToList();
        state.State.Imports[import.IssuerKey] = new FederationImport
        {
            IssuerKey = import.IssuerKey,
            Issuer = import.Issuer,
            ExportedAt = import.ExportedAt,
            ImportedAt = import.ImportedAt,
            Patterns = patterns,
        };
        await state.WriteStateAsync();
        return patterns.Count;
    }

    /// <inheritdoc/>
    public Task<FederationShardSummary> GetSummaryAsync()
    {
        var signatures = state.State.Signatures;
        var patterns = signatures.Values.SelectMany(s => s.Kinds.Values).ToList();
        return Task.FromResult(new FederationShardSummary
        {
            Signatures = signatures.Count,
            Patterns = patterns.Count,
            VisiblePatterns = patterns.Count(p => Estimate(p) is not null),
            Contributions = patterns.Sum(p => p.Count),
            Outcomes = patterns.Sum(p => p.Values.Sum(c => (long)c.Outcomes)),
            Imports =
            [
                .. state.State.Imports.Values.Select(i => new FederationImportSummary
                {
                    IssuerKey = i.IssuerKey,
                    Issuer = i.Issuer,
                    ExportedAt = i.ExportedAt,
                    ImportedAt = i.ImportedAt,
                    Patterns = i.Patterns.Count,
                }),
            ],
        });
    }

    private FederatedEstimate? Estimate(Dictionary<string, FederatedContributorState> contributors) =>
        FederatedCounts.Estimate([.. contributors.Values.Select(Counts)], _options);

    private static ContributorCounts Counts(FederatedContributorState c) => new(new NoisyCounts(c.Successes, c.Failures), c.Outcomes);

    private static List<FederatedEstimate> Source(Dictionary<string, List<FederatedEstimate>> sources, string kind)
    {
        if (!sources.TryGetValue(kind, out var list))
        {
            sources[kind] = list = [];
        }

        return list;
    }
}
