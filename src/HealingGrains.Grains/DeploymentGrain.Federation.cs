using HealingGrains.Core.Healing;
using HealingGrains.Grains.Federation;

namespace HealingGrains.Grains;

/// <summary>Federation on the deployment's side: the error's anonymous signature, and other organisations' priors.</summary>
public sealed partial class DeploymentGrain
{
    /// <summary>The name federation goes by in an action's evidence (<c>models</c>).</summary>
    public const string FederationModel = "federation/median-of-tenants/1";

    // The most of the tenant's own words taken into masking per proposal.
    private const int MaxTerms = 512;

    // The signature of an incident's error for a tenant that takes part in federation, else null. The tenant's own words
    // are masked out of the template first: its id and name, its deployments, this deployment's service and versions,
    // and what the occurrences carried (services, versions, attribute values such as hosts).
    private async Task<string?> FederationSignatureAsync(string tenantId, PolicyInfo policy, FingerprintFacts facts, IReadOnlyList<string> terms)
    {
        if (policy.Federation == "none" || facts.Template is null)
        {
            return null;
        }

        var tenant = await GrainFactory.GetGrain<ITenantGrain>(tenantId).GetAsync();
        var state = deployment.State;
        var own = new List<string> { tenantId, tenant?.Name ?? "", DeploymentKey.Parse(this.GetPrimaryKeyString()).Deployment, state.Service ?? "" };
        own.AddRange(terms);
        own.AddRange(state.Versions.TakeLast(50).SelectMany(v => new[] { v.Version, v.Commit ?? "" }));
        own.AddRange(tenant?.Deployments ?? []);
        return await federation.SignatureAsync(facts.Template, facts.ExceptionType, facts.Category, own.Take(MaxTerms));
    }

    // What other organisations learned about the candidates on this signature, as capped pseudo-counts; none unless the
    // tenant consumes federated knowledge (the fail-safe never gets here).
    private async Task<Dictionary<string, FederatedPrior>> FederatedPriorsAsync(
        string tenantId, PolicyInfo policy, string? signature, IReadOnlyList<string> kinds)
    {
        if (signature is null || !FederationService.Consumes(policy.Federation))
        {
            return [];
        }

        var estimates = await GrainFactory.GetGrain<IFederationGrain>(FederationKey.Shard(signature))
            .GetEstimatesAsync(signature, excludeContributor: await federation.ContributorAsync(tenantId));
        return federation.Priors(estimates, kinds);
    }
}
