using HealingGrains.Core.Federation;
using HealingGrains.Grains.Federation;
using Microsoft.Extensions.Logging;

namespace HealingGrains.Grains;

/// <summary>Sharing an outcome with federation, when the tenant shares.</summary>
public sealed partial class HealingActionGrain
{
    // The outcome leaves the tenant only as (signature, kind, pseudonym, noisy counts), and only when the policy says
    // share or both now: an admin who opts out stops sharing at once, also for actions proposed before. Preventive
    // actions carry no signature (their fingerprints are per metric name, which federation does not share).
    private async Task ShareAsync(HealingActionInfo action, bool succeeded)
    {
        if (action.FederationSignature is not { } signature || !FederatedKinds.IsShared(action.Kind))
        {
            return;
        }

        var policy = await GrainFactory.GetGrain<ITenantGrain>(TenantId).GetPolicyAsync();
        if (!FederationService.Shares(policy.Federation))
        {
            return;
        }

        try
        {
            var contribution = federation.Contribution(signature, action.Kind, await federation.ContributorAsync(TenantId), succeeded);
            if (!await GrainFactory.GetGrain<IFederationGrain>(FederationKey.Shard(signature)).ContributeAsync(contribution))
            {
                LogCapped(logger, action.Id);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The outcome is recorded and learned locally; losing one noisy contribution must not fail the agent's report.
            LogNotShared(logger, ex, action.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The outcome of action {ActionId} was not kept by federation (the tenant's cap for the pattern in this period is reached)")]
    private static partial void LogCapped(ILogger logger, string actionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outcome of action {ActionId} could not be shared with federation")]
    private static partial void LogNotShared(ILogger logger, Exception exception, string actionId);
}
