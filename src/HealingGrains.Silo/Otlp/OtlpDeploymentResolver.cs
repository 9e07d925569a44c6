using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Silo.Otlp.Proto.Resource;

namespace HealingGrains.Silo.Otlp;

/// <summary>Where a resource's telemetry goes, or why it goes nowhere.</summary>
internal sealed record OtlpTarget(string? Deployment, string? Service, string? Version, string? Error);

/// <summary>
/// Maps an OTLP resource to a registered deployment of the caller's tenant (one per request; it remembers its answers).
/// The rule, first match wins:
/// <list type="number">
/// <item>the resource attribute <c>healinggrains.deployment</c>: that deployment, which must be registered;</item>
/// <item>a registered deployment named <c>{service.name}-{deployment.environment}</c>, or <c>{service.name}</c> when
/// the resource has no environment (as sent, then lowercased);</item>
/// <item>the one registered deployment whose service is <c>service.name</c> and whose environment is
/// <c>deployment.environment</c> (case-insensitive; any environment when the resource has none);</item>
/// <item>otherwise nothing: the resource's records are rejected with a message that says what to register.</item>
/// </list>
/// <c>deployment.environment.name</c> (newer semantic conventions) is read before <c>deployment.environment</c>.
/// </summary>
internal sealed class OtlpDeploymentResolver(IGrainFactory grains, string tenantId)
{
    public const string DeploymentAttribute = "healinggrains.deployment";

    private readonly Dictionary<string, OtlpTarget> _answers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _registered = new(StringComparer.Ordinal);
    private List<DeploymentInfo>? _all;

    public async Task<OtlpTarget> ResolveAsync(Resource? resource)
    {
        var attributes = resource?.Attributes;
        var named = OtlpValues.Get(attributes, DeploymentAttribute);
        var service = OtlpValues.Get(attributes, "service.name");
        var version = OtlpValues.Get(attributes, "service.version");
        var environment = OtlpValues.Get(attributes, "deployment.environment.name") ?? OtlpValues.Get(attributes, "deployment.environment");
        var key = $"{named}\n{service}\n{environment}\n{version}";
        if (!_answers.TryGetValue(key, out var answer))
        {
            answer = await FindAsync(named, service, environment, version);
            _answers[key] = answer;
        }

        return answer;
    }

    private async Task<OtlpTarget> FindAsync(string? named, string? service, string? environment, string? version)
    {
        if (named is not null)
        {
            return await IsRegisteredAsync(named)
                ? new OtlpTarget(named, service, version, null)
                : Fail($"The resource names deployment '{named}' ({DeploymentAttribute}), which is not registered in this tenant: register it with PUT /api/v1/deployments/{named}.");
        }

        if (service is null)
        {
            return Fail($"The resource has no service.name: set it (OTEL_SERVICE_NAME), or name a registered deployment in the resource attribute {DeploymentAttribute}.");
        }

        var derived = environment is null ? service : $"{service}-{environment}";
        List<string> candidates = [derived, derived.ToLowerInvariant()];
        foreach (var candidate in candidates.Distinct(StringComparer.Ordinal))
        {
            if (await IsRegisteredAsync(candidate))
            {
                return new OtlpTarget(candidate, service, version, null);
            }
        }

        _all ??= await AllAsync();
        var matches = _all
            .Where(d => string.Equals(d.Service, service, StringComparison.OrdinalIgnoreCase)
                && (environment is null || string.Equals(d.Environment, environment, StringComparison.OrdinalIgnoreCase)))
            .Select(d => d.Name)
            .ToList();
        var described = environment is null ? $"service.name '{service}'" : $"service.name '{service}' and deployment.environment '{environment}'";
        return matches.Count switch
        {
            1 => new OtlpTarget(matches[0], service, version, null),
            > 1 => Fail($"Several deployments match {described} ({string.Join(", ", matches.Order(StringComparer.Ordinal))}): set the resource attribute {DeploymentAttribute} to one of them."),
            _ => Fail($"No registered deployment matches {described}: register '{candidates[0]}' with PUT /api/v1/deployments/{candidates[0]} (or one with that service and environment), or name one in the resource attribute {DeploymentAttribute}."),
        };
    }

    private async Task<bool> IsRegisteredAsync(string deployment)
    {
        if (!ResourceNames.IsValidDeployment(deployment))
        {
            return false;
        }

        if (!_registered.TryGetValue(deployment, out var registered))
        {
            registered = await grains.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenantId, deployment)).GetAsync() is not null;
            _registered[deployment] = registered;
        }

        return registered;
    }

    private async Task<List<DeploymentInfo>> AllAsync()
    {
        var tenant = await grains.GetGrain<ITenantGrain>(tenantId).GetAsync();
        var infos = await Task.WhenAll((tenant?.Deployments ?? []).Select(d =>
            grains.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenantId, d)).GetAsync()));
        return [.. infos.OfType<DeploymentInfo>()];
    }

    private static OtlpTarget Fail(string error) => new(null, null, null, error);
}
