using System.Text.Json;
using HealingGrains.Storage;

namespace HealingGrains.Grains;

/// <summary>The healing memory: an append-only history record per proposal and per outcome, as rows.</summary>
public sealed partial class HealingActionGrain
{
    /// <summary>The row-store table of healing history.</summary>
    public const string HistoryTable = "history";

    /// <summary>Writes the history record that the last state write counted (the count is persisted with the state).</summary>
    private async Task HistoryAsync(string @event)
    {
        var action = Action!;
        var now = time.GetUtcNow();
        var after = @event == "proposed"
            ? null
            : await GrainFactory.GetGrain<IFingerprintGrain>(FingerprintKey.Format(TenantId, action.Fingerprint)).GetFactsAsync();
        var record = new HistoryRecord(
            now, @event, action.Id, action.Deployment, action.Fingerprint, action.Kind,
            action.AutoApproved ? "policy" : action.DecidedBy ?? "pending",
            action.Confidence, action.Risk, action.Evidence.PolicyVersion, action.Evidence.Models,
            action.Evidence.OwnSuccesses, action.Evidence.OwnFailures, action.Evidence.SimilarSuccesses, action.Evidence.SimilarFailures,
            action.Evidence.FollowsVersion,
            new HistoryState(action.VersionBefore, action.ErrorRateBefore, null, null),
            @event == "proposed" ? null : new HistoryState(null, after?.RecentRatePerMinute, action.State.ToString(), action.Outcome?.Succeeded))
        {
            Preventive = action.Preventive,
            Metric = action.Evidence.Forecast?.Metric,
            FailureProbability = action.Evidence.Forecast?.Probability,
            Verification = action.Verification?.Result,
            VerificationReason = action.Verification?.Reason,
            Metrics = action.Evidence.Metrics.Count == 0 ? null : action.Evidence.Metrics,
        };
        var rowKey = $"{now.UtcTicks:D19}-{action.Id}-{state.State.HistoryRecords:D3}";
        await rows.WriteAsync(
            HistoryTable, RowKeys.Escape(TenantId), rowKey,
            JsonSerializer.SerializeToUtf8Bytes(record, HistoryJson.Default.HistoryRecord), expectedETag: null);
    }
}

/// <summary>One entry of the healing memory.</summary>
internal sealed record HistoryRecord(
    DateTimeOffset At,
    string Event,
    string ActionId,
    string Deployment,
    string Fingerprint,
    string Kind,
    string Decision,
    double Confidence,
    double Risk,
    int PolicyVersion,
    Dictionary<string, string> Models,
    double OwnSuccesses,
    double OwnFailures,
    double SimilarSuccesses,
    double SimilarFailures,
    string? FollowsVersion,
    HistoryState Before,
    HistoryState? After)
{
    /// <summary>Whether the action was preventive; then the metric, its failure probability and, once verified, the result.</summary>
    public bool Preventive { get; init; }

    public string? Metric { get; init; }

    public double? FailureProbability { get; init; }

    public string? Verification { get; init; }

    public string? VerificationReason { get; init; }

    /// <summary>The deployment's latest metric values when the action was proposed (what a module's metric conditions replay against).</summary>
    public Dictionary<string, double>? Metrics { get; init; }
}

/// <summary>The deployment and the fingerprint around an action.</summary>
internal sealed record HistoryState(string? Version, double? ErrorRatePerMinute, string? ActionState, bool? Succeeded);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HistoryRecord))]
internal sealed partial class HistoryJson : System.Text.Json.Serialization.JsonSerializerContext;
