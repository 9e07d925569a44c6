using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HealingGrains.Core.Healing;
using HealingGrains.Core.Prediction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HealingGrains.Grains;

/// <summary>
/// Preventive healing: a failure predicted from a metric proposes a preventive action through the same gate as
/// incidents, and the prediction is verified once its time is over.
/// </summary>
public sealed partial class DeploymentGrain
{
    /// <summary>The template of the fingerprint that stands for a metric's predicted failure.</summary>
    public const string PredictionTemplatePrefix = "Predicted failure of metric ";

    private IGrainTimer? _verificationTimer;

    /// <summary>
    /// The fingerprint of a metric's predicted failure, one per tenant and metric name (the first 16 hex digits of
    /// SHA-256 over <c>prediction\n{name}</c>): preventive actions of that metric learn their fix statistics on it.
    /// </summary>
    public static string PredictionFingerprint(string metric) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"prediction\n{metric}")))[..16];

    /// <inheritdoc/>
    public async Task CheckPredictionsAsync()
    {
        if (await VerifyAsync(time.GetUtcNow()))
        {
            await deployment.WriteStateAsync();
        }

        if (deployment.State.Watches.Count == 0)
        {
            _verificationTimer?.Dispose();
            _verificationTimer = null;
        }
    }

    /// <summary>The durable reminder that wakes a deployment with a pending verification.</summary>
    public const string VerificationReminder = "verify-predictions";

    /// <summary>
    /// The durable side of verification: a silo that restarted, or a deployment that went quiet after a failure it was
    /// warned of, still has its predictions verified. The reminder activates the grain, which verifies what is due and
    /// keeps its timer; once nothing is watched, the reminder is removed.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != VerificationReminder)
        {
            return;
        }

        await CheckPredictionsAsync();
        if (deployment.State.Watches.Count == 0)
        {
            if (await this.GetReminder(VerificationReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        else
        {
            EnsureVerificationTimer();
        }
    }

    // The reminder's period: the verification interval, at least the reminder service's minimum (a minute by default).
    private Task<IGrainReminder> RegisterVerificationReminderAsync()
    {
        var minimum = ServiceProvider.GetService<IOptions<Orleans.Hosting.ReminderOptions>>()?.Value.MinimumReminderPeriod ?? TimeSpan.FromMinutes(1);
        var period = prediction.Value.VerificationInterval > minimum ? prediction.Value.VerificationInterval : minimum;
        return this.RegisterOrUpdateReminder(VerificationReminder, period, period);
    }

    // While a verification is pending, an active deployment looks every VerificationInterval whether one is due, and
    // stays active for it; after a restart the reminder (or the next call: a point, an error, a read) activates it and
    // the timer again.
    private void EnsureVerificationTimer()
    {
        if (_verificationTimer is null && deployment.State.Watches.Count > 0)
        {
            var interval = prediction.Value.VerificationInterval;
            _verificationTimer = this.RegisterGrainTimer(
                _ => CheckPredictionsAsync(), new GrainTimerCreationOptions(interval, interval) { KeepAlive = true });
        }
    }

    // Proposes a preventive action for each metric whose failure probability reached the intervention threshold.
    private async Task<bool> PreventAsync(IReadOnlyList<string> names, DateTimeOffset now)
    {
        var state = deployment.State;
        if (!state.Registered || state.Capabilities.Count == 0)
        {
            return false;
        }

        var candidates = names
            .Where(n => !state.Watches.ContainsKey(n) && MetricNames.PreventiveKinds(MetricNames.Classify(n)).Count > 0)
            .Where(n => _series[n].Prediction is { Probability: > 0 })
            .ToList();
        if (candidates.Count == 0)
        {
            return false;
        }

        var (tenantId, _) = DeploymentKey.Parse(this.GetPrimaryKeyString());
        var policy = await GrainFactory.GetGrain<ITenantGrain>(tenantId).GetPolicyAsync();

        // The fail-safe turns off everything learned or model-driven; a prediction is both, so nothing is proposed.
        if (!policy.AiEnabled)
        {
            return false;
        }

        var proposed = false;
        foreach (var name in candidates)
        {
            var forecast = _series[name].Prediction!;
            if (forecast.Probability < policy.InterventionThreshold)
            {
                continue;
            }

            var fingerprintId = PredictionFingerprint(name);
            if (state.OpenActions.TryGetValue(fingerprintId, out var open))
            {
                if (now < open.ExpiresAt)
                {
                    continue;
                }

                await GrainFactory.GetGrain<IHealingActionGrain>(ActionKey.Format(tenantId, open.ActionId)).ExpireAsync();
                state.OpenActions.Remove(fingerprintId);
                proposed = true;
            }

            proposed |= await ProposePreventiveAsync(tenantId, name, fingerprintId, forecast, policy, now);
        }

        return proposed;
    }

    private async Task<bool> ProposePreventiveAsync(
        string tenantId, string metric, string fingerprintId, ForecastEvidence forecast, PolicyInfo policyInfo, DateTimeOffset now)
    {
        var state = deployment.State;
        var policy = ToSafetyPolicy(policyInfo);
        var metricClass = MetricNames.Classify(metric);
        var preference = MetricNames.PreventiveKinds(metricClass);
        var allowed = preference.Where(k => SafetyGate.IsAllowed(policy, state.Capabilities, k)).ToList();
        if (allowed.Count == 0)
        {
            return false;
        }

        var (_, name) = DeploymentKey.Parse(this.GetPrimaryKeyString());
        var category = MetricNames.Category(metricClass)?.ToString();
        var fingerprint = GrainFactory.GetGrain<IFingerprintGrain>(FingerprintKey.Format(tenantId, fingerprintId));
        var newHere = await fingerprint.RecordAsync(new FingerprintObservation
        {
            Deployment = name,
            Template = PredictionTemplatePrefix + metric,
            SampleMessage = forecast.Summary,
            OccurredAt = [now],
            Source = FingerprintSource.Prediction,
            Category = category,
            CategoryModel = "rules:metric-name",
        });
        if (newHere)
        {
            state.Fingerprints.Add(fingerprintId);
        }

        var facts = await fingerprint.GetFactsAsync();
        var errorRate = ErrorRate(state);
        var context = Context(category, null, errorRate, followsVersion: false, now);
        var used = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["recommender"] = "beta-mean/1",
            ["detector"] = "metric-detector/2",
        };

        // What preventing this metric's failure taught so far, with the fix predictor's view beside it, as for incidents.
        var predicted = await PredictedCountsAsync(allowed, context, now, used);

        // Best mean first; among equals, the class's preferred kind (memory: restart before exhaustion).
        var best = recommender.Rank(new RecommendationRequest
            {
                Kinds = allowed,
                Own = (facts?.Fixes ?? []).ToDictionary(f => f.Key, f => new DecayedCounts(f.Value.Successes, f.Value.Failures, f.Value.AsOf), StringComparer.Ordinal),
                Predicted = predicted,
                Explore = false,
                Now = now,
            }, random.Next())
            .OrderByDescending(r => Math.Round(r.Mean, 9))
            .ThenBy(r => allowed.IndexOf(r.Kind))
            .First();
        var kind = best.Kind;
        context = context.With(kind);
        var (risk, riskSource) = await RiskAsync(context, used);

        state.AutoActions.RemoveAll(t => t < now.AddHours(-1));
        var decision = SafetyGate.Decide(policy, new GateRequest
        {
            Kind = kind,
            Confidence = best.Confidence,
            Risk = risk,
            RiskSource = riskSource,
            Category = category,
            Capabilities = state.Capabilities,
            AutoActionsLastHour = state.AutoActions.Count,
            RecentAutoSuccesses = state.RecentAutoOutcomes.Count(o => o),
            RecentAutoTotal = state.RecentAutoOutcomes.Count,
        });
        if (decision.Verdict == GateVerdict.Refuse)
        {
            return false;
        }

        var evidence = new ActionEvidence
        {
            OwnSuccesses = best.Evidence.OwnSuccesses,
            OwnFailures = best.Evidence.OwnFailures,
            Alpha = best.Alpha,
            Beta = best.Beta,
            Mean = best.Mean,
            PredictedSuccesses = best.Evidence.PredictedSuccesses,
            PredictedFailures = best.Evidence.PredictedFailures,
            Category = category,
            Context = context,
            Models = used,
            PolicyVersion = policyInfo.Version,
            Forecast = new ForecastEvidence
            {
                Metric = forecast.Metric,
                Limit = forecast.Limit,
                Current = forecast.Current,
                Trend = forecast.Trend,
                SlopePerMinute = forecast.SlopePerMinute,
                MinutesToLimit = forecast.MinutesToLimit,
                HorizonMinutes = forecast.HorizonMinutes,
                ForecastProbability = forecast.ForecastProbability,
                AnomalyProbability = forecast.AnomalyProbability,
                AnomalyWeight = forecast.AnomalyWeight,
                Probability = forecast.Probability,
                InterventionThreshold = policyInfo.InterventionThreshold,
                At = forecast.At,
                FailureExpectedBy = forecast.FailureExpectedBy,
                Summary = forecast.Summary,
            },
        };
        evidence.Gate.AddRange(decision.Reasons);

        // A preventive approval is worth something only until the failure is due: it expires then at the latest.
        var grace = prediction.Value.VerificationGrace;
        var dueAt = now + (forecast.FailureExpectedBy - forecast.At) + grace;
        var expiresAt = Min(now.AddMinutes(policyInfo.ApprovalTimeoutMinutes), dueAt);
        var auto = decision.Verdict == GateVerdict.AutoApprove;
        var id = ActionKey.NewId();
        await OpenAsync(tenantId, auto, now, new HealingActionInfo
        {
            Id = id,
            Deployment = name,
            Fingerprint = fingerprintId,
            Kind = kind,
            Parameters = new() { ["metric"] = metric },
            Confidence = best.Confidence,
            Risk = risk,
            Reasoning = Reasoning(kind, forecast, policyInfo.InterventionThreshold, best.Reasoning),
            Evidence = evidence,
            RollbackKind = state.Capabilities.Contains(Recommender.RollbackKind) ? Recommender.RollbackKind : null,
            CreatedAt = now,
            ExpiresAt = expiresAt,
            VersionBefore = state.Versions.LastOrDefault()?.Version,
            ErrorRateBefore = errorRate,
            AutoApproved = auto,
            Preventive = true,
        });

        state.Watches[metric] = new PreventiveWatch
        {
            ActionId = id,
            Metric = metric,
            Limit = forecast.Limit,
            PredictedAt = forecast.At,
            WatchUntil = forecast.FailureExpectedBy + grace,
            ProposedAt = now,
            DueAt = dueAt,
            ErrorRateBefore = errorRate,
            ActionState = auto ? ActionState.Approved : ActionState.PendingApproval,
        };
        EnsureVerificationTimer();
        await RegisterVerificationReminderAsync();
        return true;
    }

    // Verifies every watch whose metric reached its limit, or whose watched time is over (by the metric's own points
    // or, when they stop, by the host's clock). Returns whether any was verified.
    private async Task<bool> VerifyAsync(DateTimeOffset now)
    {
        var state = deployment.State;
        if (state.Watches.Count == 0)
        {
            return false;
        }

        var (tenantId, _) = DeploymentKey.Parse(this.GetPrimaryKeyString());
        var verified = new List<string>();
        foreach (var (metric, watch) in state.Watches)
        {
            var series = _series.GetValueOrDefault(metric);
            var points = series?.Window.Between(watch.PredictedAt, watch.WatchUntil).ToList() ?? [];
            var over = now >= watch.DueAt || series?.Window.Latest?.At >= watch.WatchUntil;
            if (!over && FailureVerification.LimitReached(watch.Limit, points) is null)
            {
                continue;
            }

            var during = ErrorRateBetween(state, watch.ProposedAt, Min(now, watch.DueAt));
            var verdict = FailureVerification.Judge(metric, watch.Limit, points, watch.ErrorRateBefore, during);

            // One-way: the action may at this moment be waiting on this deployment (an outcome notifying it).
            await GrainFactory.GetGrain<IHealingActionGrain>(ActionKey.Format(tenantId, watch.ActionId)).RecordVerificationAsync(new ActionVerification
            {
                Result = ActionVerification.ResultOf(verdict.Happened, watch.ActionState),
                Happened = verdict.Happened,
                Reason = verdict.Reason,
                VerifiedAt = now,
                Peak = verdict.Peak,
                ErrorRateBefore = watch.ErrorRateBefore,
                ErrorRateDuring = during,
                WatchedUntil = watch.WatchUntil,
            });
            verified.Add(metric);
        }

        foreach (var metric in verified)
        {
            state.Watches.Remove(metric);
        }

        return verified.Count > 0;
    }

    // Errors per minute between two moments of the host's clock (whole minutes, at least one).
    private static double ErrorRateBetween(DeploymentState state, DateTimeOffset from, DateTimeOffset to)
    {
        var first = Core.Temporal.MinuteBuckets.MinuteOf(from);
        var last = Math.Max(first, Core.Temporal.MinuteBuckets.MinuteOf(to));
        var errors = state.ErrorsPerMinute.Where(b => b.Key >= first && b.Key <= last).Sum(b => b.Value);
        return errors / (double)(last - first + 1);
    }

    private static string Reasoning(string kind, ForecastEvidence forecast, double threshold, string learned) =>
        string.Create(CultureInfo.InvariantCulture,
            $"Preventive {kind}: {forecast.Summary} At or above the intervention threshold {threshold:0.00}. {learned}");

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
