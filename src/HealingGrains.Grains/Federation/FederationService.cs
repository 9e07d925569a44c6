using HealingGrains.Core.Federation;
using HealingGrains.Core.Healing;
using Microsoft.Extensions.Options;

namespace HealingGrains.Grains.Federation;

/// <summary>
/// The tenant side of federation, for the grains that share and consume: the anonymous signature of an error, the
/// tenant's pseudonym, a noised contribution, and visible estimates as the recommender's priors.
/// </summary>
public sealed class FederationService(IOptions<FederationSettings> settings, FederationKeys keys, RandomSource random)
{
    /// <summary>The category a signature names when the error has none.</summary>
    public const string UnknownCategory = "Unknown";

    /// <summary>The arithmetic's options.</summary>
    public FederationOptions Options { get; } = settings.Value.ToOptions();

    /// <summary>Whether a tenant with this policy value sends its outcomes.</summary>
    public static bool Shares(string federation) => federation is "share" or "both";

    /// <summary>Whether a tenant with this policy value receives others' knowledge.</summary>
    public static bool Consumes(string federation) => federation is "consume" or "both";

    /// <summary>
    /// The anonymous signature of an error: its exception type if a public framework's, its category (or
    /// <see cref="UnknownCategory"/>), and its template with every value and every one of <paramref name="tenantTerms"/>
    /// masked, HMAC'd with the platform key. Null without a template.
    /// </summary>
    public async Task<string?> SignatureAsync(string? template, string? exceptionType, string? category, IEnumerable<string> tenantTerms)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            return null;
        }

        var masked = FederationSignature.MaskTemplate(template, tenantTerms);
        return FederationSignature.Of(await keys.KeyAsync(), FederationSignature.PublicExceptionType(exceptionType), category ?? UnknownCategory, masked);
    }

    /// <summary>The tenant's pseudonym.</summary>
    public async Task<string> ContributorAsync(string tenantId) => FederationSignature.Contributor(await keys.KeyAsync(), tenantId);

    /// <summary>One outcome as it leaves the tenant: its success and failure counts each plus Laplace(1 / ε) noise.</summary>
    public FederatedContribution Contribution(string signature, string kind, string contributor, bool succeeded)
    {
        var noisy = FederatedCounts.Noise(succeeded ? 1 : 0, succeeded ? 0 : 1, Options, random.Next());
        return new FederatedContribution
        {
            Signature = signature,
            Kind = kind,
            Contributor = contributor,
            Outcomes = 1,
            Successes = noisy.Successes,
            Failures = noisy.Failures,
        };
    }

    /// <summary>The visible estimates of <paramref name="kinds"/> as capped pseudo-counts for the recommender.</summary>
    public Dictionary<string, FederatedPrior> Priors(IEnumerable<FederatedKindEstimate> estimates, IReadOnlyCollection<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(estimates);
        var priors = new Dictionary<string, FederatedPrior>(StringComparer.Ordinal);
        foreach (var e in estimates.Where(e => kinds.Contains(e.Kind)))
        {
            priors[e.Kind] = FederatedPrior.From(new FederatedEstimate(e.Organisations, e.Cases, e.SuccessRate), Options.PriorCap);
        }

        return priors;
    }
}
