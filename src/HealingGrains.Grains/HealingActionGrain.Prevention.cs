namespace HealingGrains.Grains;

/// <summary>Preventive actions: the verification of the predicted failure, and learning from it.</summary>
public sealed partial class HealingActionGrain
{
    /// <inheritdoc/>
    public async Task RecordVerificationAsync(ActionVerification verification)
    {
        ArgumentNullException.ThrowIfNull(verification);
        var action = await ExpireIfDueAsync(notifyDeployment: true);
        if (action is null || action.Verification is not null)
        {
            return;
        }

        verification.Result = ActionVerification.ResultOf(verification.Happened, action.State);
        action.Verification = verification;
        action.UpdatedAt = time.GetUtcNow();
        state.State.HistoryRecords++;
        await state.WriteStateAsync();
        await AuditAsync("system", "action.verified", $"{verification.Result}: {verification.Reason}");
        await HistoryAsync("verified");
        if (action.Outcome is not null)
        {
            await LearnPreventiveAsync(action);
        }
    }

    // Once both the agent's outcome and the verification are known: the action worked only if it ran and the failure
    // did not happen. Its fingerprint (the metric's predicted failure) and the outcome models learn that, as for incidents.
    private async Task LearnPreventiveAsync(HealingActionInfo action)
    {
        var verification = action.Verification!;
        var worked = action.Outcome!.Succeeded && !verification.Happened;
        await GrainFactory.GetGrain<IFingerprintGrain>(FingerprintKey.Format(TenantId, action.Fingerprint))
            .RecordOutcomeAsync(action.Kind, worked, action.Id, action.Deployment);
        if (action.Evidence.Context is { } context)
        {
            await Models.TrainingData.RecordOutcomeAsync(
                rows, time.GetUtcNow(), action.Id, context, worked, action.ErrorRateBefore, verification.ErrorRateDuring);
        }
    }
}
