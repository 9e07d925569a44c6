using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using HealingGrains.Learning.Models;
using HealingGrains.Storage;

namespace HealingGrains.Grains.Models;

/// <summary>
/// What tenants teach the models, as rows of one table: every action's outcome with its anonymous context (the fix
/// predictor's and the risk assessor's data) and every admin's category correction (the classifier's). Rows carry no
/// tenant, deployment or host; messages are stored masked. Row keys run newest first.
/// </summary>
public static class TrainingData
{
    /// <summary>The row-store table.</summary>
    public const string Table = "training";

    /// <summary>The partition of outcomes.</summary>
    public const string Outcomes = "outcomes";

    /// <summary>The partition of category corrections.</summary>
    public const string Corrections = "corrections";

    /// <summary>An error rate this much higher after an action than before counts as harm, even when the agent reported success.</summary>
    public const double HarmfulRateIncrease = 1.5;

    /// <summary>Records one outcome.</summary>
    public static Task RecordOutcomeAsync(
        IRowStore rows, DateTimeOffset at, string actionId, ActionContext context, bool succeeded, double? rateBefore, double? rateAfter)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(context);
        var worse = rateBefore is > 0 && rateAfter is { } after && after > rateBefore.Value * HarmfulRateIncrease;
        var row = new OutcomeRow(actionId, at, context, succeeded, !succeeded || worse);
        return rows.WriteAsync(Table, Outcomes, Key(at, actionId), JsonSerializer.SerializeToUtf8Bytes(row, TrainingJson.Default.OutcomeRow), expectedETag: null);
    }

    /// <summary>Records an admin's correction of an error's category (the message masked).</summary>
    public static Task RecordCorrectionAsync(IRowStore rows, DateTimeOffset at, string id, string category, string? exceptionType, string maskedMessage)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var row = new CorrectionRow(at, category, exceptionType, maskedMessage);
        return rows.WriteAsync(Table, Corrections, Key(at, id), JsonSerializer.SerializeToUtf8Bytes(row, TrainingJson.Default.CorrectionRow), expectedETag: null);
    }

    /// <summary>The newest outcomes, at most <paramref name="limit"/>, oldest first.</summary>
    public static async Task<List<OutcomeExample>> OutcomesAsync(IRowStore rows, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var examples = new List<OutcomeExample>();
        await foreach (var row in rows.QueryAsync(Table, Outcomes, limit: limit, cancellationToken: cancellationToken))
        {
            if (JsonSerializer.Deserialize(row.Data.Span, TrainingJson.Default.OutcomeRow) is { } o)
            {
                examples.Add(new OutcomeExample(o.ActionId, ToFeatures(o.Context), o.Succeeded, o.Harmed));
            }
        }

        examples.Reverse();
        return examples;
    }

    /// <summary>The newest corrections, at most <paramref name="limit"/>.</summary>
    public static async Task<List<CorrectionRow>> CorrectionsAsync(IRowStore rows, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var corrections = new List<CorrectionRow>();
        await foreach (var row in rows.QueryAsync(Table, Corrections, limit: limit, cancellationToken: cancellationToken))
        {
            if (JsonSerializer.Deserialize(row.Data.Span, TrainingJson.Default.CorrectionRow) is { } c)
            {
                corrections.Add(c);
            }
        }

        return corrections;
    }

    /// <summary>The models' view of an action's context.</summary>
    public static ActionFeatures ToFeatures(ActionContext c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new ActionFeatures
        {
            Kind = c.Kind,
            Category = c.Category,
            ExceptionType = c.ExceptionType,
            FollowsVersion = c.FollowsVersion,
            DeploymentAgeMinutes = c.DeploymentAgeMinutes,
            VersionsLast24Hours = c.VersionsLast24Hours,
            MinutesSinceLastAction = c.MinutesSinceLastAction,
            Production = c.Production,
            BlastRadius = c.BlastRadius,
            ErrorRatePerMinute = c.ErrorRatePerMinute,
        };
    }

    private static string Key(DateTimeOffset at, string id) =>
        $"{(DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture)}-{RowKeys.Escape(id)}";
}

/// <summary>One recorded outcome.</summary>
public sealed record OutcomeRow(string ActionId, DateTimeOffset At, ActionContext Context, bool Succeeded, bool Harmed);

/// <summary>One admin's category correction.</summary>
public sealed record CorrectionRow(DateTimeOffset At, string Category, string? ExceptionType, string Message);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OutcomeRow))]
[JsonSerializable(typeof(CorrectionRow))]
internal sealed partial class TrainingJson : JsonSerializerContext;
