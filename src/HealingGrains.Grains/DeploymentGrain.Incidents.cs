using HealingGrains.Core.Healing;
using Microsoft.Extensions.Logging;

namespace HealingGrains.Grains;

/// <summary>Incidents: proposing a fix when a fingerprint occurs with no open action, and closing them.</summary>
public sealed partial class DeploymentGrain
{
    /// <summary>The most similar fingerprints whose outcomes are consulted for one proposal.</summary>
    public const int MaxSimilar = 20;

    /// <summary>The most fingerprint templates a deployment keeps for similarity.</summary>
    public const int MaxTemplates = 2000;

    /// <summary>How many recent automatic outcomes are kept for the downgrade.</summary>
    private const int RecentOutcomes = SafetyGate.DowngradeWindow;

    /// <inheritdoc/>
    public async Task<DeploymentVersion> AddVersionAsync(DeploymentVersion version)
    {
        deployment.State.Versions.Add(version);
        await deployment.WriteStateAsync();
        var (tenantId, name) = DeploymentKey.Parse(this.GetPrimaryKeyString());
        await GrainFactory.GetGrain<IAuditLogGrain>(tenantId)
            .AppendAsync("agent", "deployment.version", $"deployment/{name}", $"{version.Version} ({version.Commit ?? "no commit"}) deployed {version.DeployedAt:O}");
        return version;
    }

    /// <inheritdoc/>
    public async Task OnFingerprintsAsync(IReadOnlyList<FingerprintOccurrence> occurrences)
    {
        var state = deployment.State;
        var now = time.GetUtcNow();
        foreach (var occurrence in occurrences)
        {
            foreach (var at in occurrence.OccurredAt)
            {
                Core.Temporal.MinuteBuckets.Add(state.ErrorsPerMinute, at, now);
            }

            if (occurrence.ExceptionType is { Length: > 0 } type)
            {
                state.ExceptionTypes[occurrence.Id] = type;
            }

            if (occurrence.Template is { } template && (state.Templates.Count < MaxTemplates || state.Templates.ContainsKey(occurrence.Id)))
            {
                state.Templates[occurrence.Id] = template;
            }

            if (occurrence.Category is { } category && (state.Categories.Count < MaxTemplates || state.Categories.ContainsKey(occurrence.Id)))
            {
                state.Categories[occurrence.Id] = category;
            }
        }

        Core.Temporal.MinuteBuckets.Prune(state.ErrorsPerMinute, now);
        if (state.Registered && state.Capabilities.Count > 0)
        {
            // What is asked of the healing loop is noted here and done after this call returns: the classifier's
            // delivery, and with it the deployment's stream, does not wait for proposals (a handful of grain calls
            // each). Ten new fingerprints on a loaded host held a delivery for 1.4-2.5 s, and the stream behind it.
            foreach (var occurrence in occurrences)
            {
                // A fingerprint whose action is still open needs nothing (the common case once a fix is proposed): it
                // costs no turn and no write. Whether an expired one may be proposed again is decided when taken up.
                if (state.OpenActions.TryGetValue(occurrence.Id, out var open) && now < open.ExpiresAt)
                {
                    continue;
                }

                if (state.PendingProposals.Count < MaxPendingProposals || state.PendingProposals.ContainsKey(occurrence.Id))
                {
                    state.PendingProposals[occurrence.Id] = [.. occurrence.Terms];
                }
            }
        }

        await deployment.WriteStateAsync();
        ScheduleProposals();
    }

    // The most fingerprints waiting for the healing loop; past it, new ones wait for their next occurrence.
    private const int MaxPendingProposals = 10_000;

    private IGrainTimer? _proposalTimer;

    // Takes up the pending proposals one per turn of their own, right after the current turn (or after a failure's
    // delay; and after a restart, since they are stored with the deployment's state): a delivery that arrives meanwhile
    // waits for one proposal at most.
    private void ScheduleProposals(TimeSpan delay = default)
    {
        if (deployment.State.PendingProposals.Count == 0)
        {
            return;
        }

        _proposalTimer ??= this.RegisterGrainTimer(
            _ => ProposeNextAsync(), new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private async Task ProposeNextAsync()
    {
        _proposalTimer?.Dispose();
        _proposalTimer = null;
        var state = deployment.State;
        if (state.PendingProposals.Count == 0)
        {
            return;
        }

        if (!state.Registered || state.Capabilities.Count == 0)
        {
            state.PendingProposals.Clear();
            await deployment.WriteStateAsync();
            return;
        }

        var (fingerprintId, terms) = state.PendingProposals.First();
        state.PendingProposals.Remove(fingerprintId);
        var (tenantId, _) = DeploymentKey.Parse(this.GetPrimaryKeyString());
        var now = time.GetUtcNow();
        var blocked = false;
        if (state.OpenActions.TryGetValue(fingerprintId, out var open))
        {
            if (now < open.ExpiresAt)
            {
                blocked = true;
            }
            else
            {
                // A pending approval past its time no longer blocks a new proposal. Approved or dispatched actions
                // never expire (their ExpiresAt is MaxValue): they wait for the agent's outcome.
                await GrainFactory.GetGrain<IHealingActionGrain>(ActionKey.Format(tenantId, open.ActionId)).ExpireAsync();
                state.OpenActions.Remove(fingerprintId);
            }
        }

        try
        {
            if (!blocked)
            {
                var policy = await GrainFactory.GetGrain<ITenantGrain>(tenantId).GetPolicyAsync();
                await ProposeAsync(tenantId, fingerprintId, policy, rollbackOf: null, terms);
            }

            await deployment.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // Storage or a grain failed: the fingerprint waits again and is retried in a second (it used to fail the
            // delivery, which the stream retried).
            LogProposalFailed(logger, ex, fingerprintId);
            state.PendingProposals.TryAdd(fingerprintId, terms);
            ScheduleProposals(TimeSpan.FromSeconds(1));
            return;
        }

        ScheduleProposals();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proposing for fingerprint {Fingerprint} failed; retrying in a second.")]
    private static partial void LogProposalFailed(ILogger logger, Exception exception, string fingerprint);

    /// <inheritdoc/>
    public async Task ActionClosedAsync(ActionClosure closure)
    {
        var state = deployment.State;
        if (state.OpenActions.TryGetValue(closure.Fingerprint, out var open) && open.ActionId == closure.ActionId)
        {
            state.OpenActions.Remove(closure.Fingerprint);
        }

        if (state.Watches.Values.FirstOrDefault(w => w.ActionId == closure.ActionId) is { } watch)
        {
            watch.ActionState = closure.State;
        }

        if (closure.AutoApproved && closure.State is ActionState.Succeeded or ActionState.Failed)
        {
            state.RecentAutoOutcomes.Add(closure.State == ActionState.Succeeded);
            if (state.RecentAutoOutcomes.Count > RecentOutcomes)
            {
                state.RecentAutoOutcomes.RemoveRange(0, state.RecentAutoOutcomes.Count - RecentOutcomes);
            }
        }

        // The rollback plan recorded with a failed action: propose undoing the last deployment, through the gate.
        if (closure.State == ActionState.Failed
            && !closure.Preventive
            && closure.Kind != Recommender.RollbackKind
            && state.Versions.Count >= 2
            && !state.OpenActions.ContainsKey(closure.Fingerprint))
        {
            var (tenantId, _) = DeploymentKey.Parse(this.GetPrimaryKeyString());
            var policy = await GrainFactory.GetGrain<ITenantGrain>(tenantId).GetPolicyAsync();
            if (SafetyGate.IsAllowed(ToSafetyPolicy(policy), state.Capabilities, Recommender.RollbackKind))
            {
                await ProposeAsync(tenantId, closure.Fingerprint, policy, rollbackOf: closure.ActionId, terms: []);
            }
        }

        await deployment.WriteStateAsync();
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> GetOpenActionIdsAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. deployment.State.OpenActions.Values.Select(a => a.ActionId)]);

    private async Task ProposeAsync(string tenantId, string fingerprintId, PolicyInfo policyInfo, string? rollbackOf, IReadOnlyList<string> terms)
    {
        var state = deployment.State;
        var policy = ToSafetyPolicy(policyInfo);
        var allowed = state.Capabilities.Where(k => SafetyGate.IsAllowed(policy, state.Capabilities, k)).ToList();
        if (rollbackOf is not null)
        {
            allowed = [Recommender.RollbackKind];
        }

        if (allowed.Count == 0)
        {
            return;
        }

        var facts = await GrainFactory.GetGrain<IFingerprintGrain>(FingerprintKey.Format(tenantId, fingerprintId)).GetFactsAsync();
        if (facts is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        var followsVersion = state.Versions
            .Where(v => facts.FirstSeen >= v.DeployedAt && facts.FirstSeen <= v.DeployedAt + recommender.Options.CorrelationWindow)
            .Select(v => v.Version)
            .LastOrDefault();

        string kind;
        Dictionary<string, string> parameters = [];
        string reasoning;
        ActionEvidence evidence;
        double confidence;
        double risk;
        string riskSource;
        var context = Context(facts.Category, facts.ExceptionType, facts.RecentRatePerMinute, followsVersion is not null, now);
        var signature = await FederationSignatureAsync(tenantId, policyInfo, facts, terms);
        var (_, name) = DeploymentKey.Parse(this.GetPrimaryKeyString());
        var latestMetrics = LatestMetrics();

        // The rules of the tenant's installed modules and of the built-in one: all the rule-based healing there is.
        var rules = await GrainFactory.GetGrain<IModuleRegistryGrain>(tenantId).MatchAsync(new ModuleQuery
        {
            Category = facts.Category,
            ExceptionType = facts.ExceptionType,
            Template = facts.Template,
            FollowsVersion = followsVersion is not null,
            Deployment = name,
            Metrics = latestMetrics,
            Allowed = allowed,
        });
        if (policy.AiEnabled)
        {
            var category = facts.Category;
            var (similar, similarCount) = await SimilarAsync(tenantId, fingerprintId, facts.ExceptionType, category);
            var used = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["recommender"] = policy.Exploration ? "beta-thompson/1" : "beta-mean/1",
            };
            if (facts.CategorySource is { } categorySource)
            {
                used["classifier"] = categorySource;
            }

            var predicted = await PredictedCountsAsync(allowed, context, now, used);

            // What the tenant's own installed module proposes counts as evidence; the built-in fallbacks do not (the
            // learning loop has better ones: the correlation with a new version, similar fingerprints, the predictor).
            var tenantRule = rules.Find(r => !r.BuiltIn);
            if (tenantRule is not null)
            {
                used["module"] = $"{tenantRule.Module}@{tenantRule.Version}";
            }

            // Other organisations' outcomes on this error's anonymous signature, for a tenant that consumes them.
            var federated = await FederatedPriorsAsync(tenantId, policyInfo, signature, allowed);
            if (federated.Count > 0)
            {
                used["federation"] = FederationModel;
            }

            var best = recommender.Rank(new RecommendationRequest
            {
                Kinds = allowed,
                Own = facts.Fixes.ToDictionary(f => f.Key, f => new DecayedCounts(f.Value.Successes, f.Value.Failures, f.Value.AsOf), StringComparer.Ordinal),
                Similar = similar,
                Predicted = predicted,
                Federated = federated,
                SimilarFingerprints = similarCount,
                FollowsVersion = followsVersion,
                Rule = tenantRule is null ? null : (tenantRule.Kind, tenantRule.ToString()),
                Explore = policy.Exploration,
                Now = now,
            }, random.Next())[0];
            kind = best.Kind;
            confidence = best.Confidence;
            reasoning = best.Reasoning;
            context = context.With(kind);
            (risk, riskSource) = await RiskAsync(context, used);

            evidence = new ActionEvidence
            {
                OwnSuccesses = best.Evidence.OwnSuccesses,
                OwnFailures = best.Evidence.OwnFailures,
                SimilarSuccesses = best.Evidence.SimilarSuccesses,
                SimilarFailures = best.Evidence.SimilarFailures,
                SimilarFingerprints = best.Evidence.SimilarFingerprints,
                CorrelationSuccesses = best.Evidence.CorrelationSuccesses,
                FollowsVersion = best.Evidence.FollowsVersion,
                Alpha = best.Alpha,
                Beta = best.Beta,
                Mean = best.Mean,
                PredictedSuccesses = best.Evidence.PredictedSuccesses,
                PredictedFailures = best.Evidence.PredictedFailures,
                FederatedSuccesses = best.Evidence.FederatedSuccesses,
                FederatedFailures = best.Evidence.FederatedFailures,
                FederatedCases = best.Evidence.FederatedCases,
                FederatedOrganisations = best.Evidence.FederatedOrganisations,
                FederatedSuccessRate = best.Evidence.FederatedSuccessRate,
                RuleSuccesses = best.Evidence.RuleSuccesses,
                Rule = best.Evidence.RuleSource,
                Metrics = latestMetrics,
                Category = category,
                Context = context,
                Models = used,
                PolicyVersion = policyInfo.Version,
            };
        }
        else
        {
            // The fail-safe: only module rules decide; no model is consulted, and the kind's intrinsic risk stands in for
            // the risk assessor's. An error no rule covers gets no proposal.
            if (rules.Count == 0)
            {
                LogNoRule(fingerprintId, string.Join(", ", allowed));
                return;
            }

            var rule = rules[0];
            kind = rule.Kind;
            parameters = rule.Parameters;
            confidence = 0;
            reasoning = $"Fail-safe: {RuleBook.Reasoning(rule.Kind, rule.Rule, rule.Module, rule.Version, followsVersion)}";
            context = context.With(kind);
            risk = ActionRisk.Of(kind);
            riskSource = "intrinsic risk of the kind";
            evidence = new ActionEvidence
            {
                FollowsVersion = followsVersion,
                Context = context,
                Models = new() { ["rules"] = $"{rule.Module}@{rule.Version}" },
                Rule = rule.ToString(),
                Metrics = latestMetrics,
                PolicyVersion = policyInfo.Version,
            };
        }

        if (rollbackOf is not null)
        {
            reasoning = $"The previous action ({rollbackOf}) failed; its rollback plan is to return to the previous version. {reasoning}";
        }

        state.AutoActions.RemoveAll(t => t < now.AddHours(-1));
        var decision = SafetyGate.Decide(policy, new GateRequest
        {
            Kind = kind,
            Confidence = confidence,
            Risk = risk,
            RiskSource = riskSource,
            Category = policy.AiEnabled ? facts.Category : null,
            Capabilities = state.Capabilities,
            AutoActionsLastHour = state.AutoActions.Count,
            RecentAutoSuccesses = state.RecentAutoOutcomes.Count(o => o),
            RecentAutoTotal = state.RecentAutoOutcomes.Count,
        });
        if (decision.Verdict == GateVerdict.Refuse)
        {
            return;
        }

        evidence.Gate.AddRange(decision.Reasons);
        var auto = decision.Verdict == GateVerdict.AutoApprove;
        var id = ActionKey.NewId();
        var expiresAt = now.AddMinutes(policyInfo.ApprovalTimeoutMinutes);
        await OpenAsync(tenantId, auto, now, new HealingActionInfo
        {
            Id = id,
            Deployment = name,
            Fingerprint = fingerprintId,
            Kind = kind,
            Parameters = parameters,
            Confidence = confidence,
            Risk = risk,
            Reasoning = reasoning,
            Evidence = evidence,
            RollbackKind = kind == Recommender.RollbackKind ? null : (state.Capabilities.Contains(Recommender.RollbackKind) ? Recommender.RollbackKind : null),
            RollbackOf = rollbackOf,
            CreatedAt = now,
            ExpiresAt = expiresAt,
            VersionBefore = state.Versions.LastOrDefault()?.Version,
            ErrorRateBefore = facts.RecentRatePerMinute,
            AutoApproved = auto,
            FederationSignature = signature,
        });
    }

    // Proposes the action to its grain and notes it open on this deployment: a pending approval until it expires, an
    // approved one until its outcome (it never expires), and an auto-approved one counts towards the hourly limit.
    private async Task OpenAsync(string tenantId, bool auto, DateTimeOffset now, HealingActionInfo action)
    {
        await GrainFactory.GetGrain<IHealingActionGrain>(ActionKey.Format(tenantId, action.Id)).ProposeAsync(new ActionProposal { AutoApprove = auto, Action = action });
        var state = deployment.State;
        state.LastActionAt = now;
        state.OpenActions[action.Fingerprint] = new OpenAction { ActionId = action.Id, ExpiresAt = auto ? DateTimeOffset.MaxValue : action.ExpiresAt, AutoApproved = auto };
        if (auto)
        {
            state.AutoActions.Add(now);
        }
    }

    // The action's anonymous context now (the kind is filled in per candidate).
    private ActionContext Context(string? category, string? exceptionType, double errorRatePerMinute, bool followsVersion, DateTimeOffset now)
    {
        var state = deployment.State;
        var running = state.Versions.LastOrDefault();
        return new ActionContext
        {
            Kind = "",
            Category = category,
            ExceptionType = exceptionType,
            FollowsVersion = followsVersion,
            DeploymentAgeMinutes = running is null ? null : Math.Max(0, (now - running.DeployedAt).TotalMinutes),
            VersionsLast24Hours = state.Versions.Count(v => v.DeployedAt > now.AddHours(-24) && v.DeployedAt <= now),
            MinutesSinceLastAction = state.LastActionAt is { } last ? Math.Max(0, (now - last).TotalMinutes) : null,
            Production = state.Environment is { } environment
                && (environment.Equals("prod", StringComparison.OrdinalIgnoreCase) || environment.Equals("production", StringComparison.OrdinalIgnoreCase)),
            ErrorRatePerMinute = errorRatePerMinute,
        };
    }

    // The risk the gate compares with the policy's maximum: the active risk assessor's (named among the models used),
    // else the kind's intrinsic risk.
    private async Task<(double Risk, string Source)> RiskAsync(ActionContext context, Dictionary<string, string> used)
    {
        if (await models.RiskAssessorAsync() is { } riskAssessor)
        {
            used["riskAssessor"] = riskAssessor.Version;
            return (riskAssessor.Model.Predict(Models.TrainingData.ToFeatures(context)), riskAssessor.Version);
        }

        return (ActionRisk.Of(context.Kind), "intrinsic risk of the kind");
    }

    private async Task<(Dictionary<string, DecayedCounts> Counts, int Fingerprints)> SimilarAsync(
        string tenantId, string fingerprintId, string? exceptionType, string? category)
    {
        var counts = new Dictionary<string, DecayedCounts>(StringComparer.Ordinal);
        var state = deployment.State;
        var template = state.Templates.GetValueOrDefault(fingerprintId);
        var similar = state.Templates.Keys
            .Where(id => id != fingerprintId
                && (category is null || !state.Categories.TryGetValue(id, out var other) || other == category)
                && ((exceptionType is not null && state.ExceptionTypes.GetValueOrDefault(id) == exceptionType)
                    || (template is not null && TemplateSimilarity.Jaccard(template, state.Templates[id]) >= recommender.Options.SimilarTemplateThreshold)))
            .Take(MaxSimilar)
            .ToList();
        var facts = await Task.WhenAll(similar.Select(id =>
            GrainFactory.GetGrain<IFingerprintGrain>(FingerprintKey.Format(tenantId, id)).GetFactsAsync()));
        var now = time.GetUtcNow();
        var contributing = 0;
        foreach (var f in facts.OfType<FingerprintFacts>())
        {
            if (f.Fixes.Count > 0)
            {
                contributing++;
            }

            foreach (var (kind, c) in f.Fixes)
            {
                var decayed = new DecayedCounts(c.Successes, c.Failures, c.AsOf).DecayedTo(now, recommender.Options.HalfLife);
                var sum = counts.TryGetValue(kind, out var existing) ? existing : new DecayedCounts(0, 0, now);
                counts[kind] = new DecayedCounts(sum.Successes + decayed.Successes, sum.Failures + decayed.Failures, now);
            }
        }

        return (counts, contributing);
    }

    private static SafetyPolicy ToSafetyPolicy(PolicyInfo p) => new()
    {
        ApprovalThreshold = p.ApprovalThreshold,
        MaxRisk = p.MaxRisk,
        AllowedKinds = p.AllowedKinds,
        MaxAutoActionsPerDeploymentPerHour = p.MaxAutoActionsPerDeploymentPerHour,
        AiEnabled = p.AiEnabled,
        Exploration = p.Exploration,
        AutoDowngradeFloor = p.AutoDowngradeFloor,
        InterventionThreshold = p.InterventionThreshold,
        Federation = p.Federation,
        ApprovalTimeout = TimeSpan.FromMinutes(p.ApprovalTimeoutMinutes),
        AutoDomains = p.AutoDomains,
    };

    // The fix predictor's view of every candidate, as capped pseudo-counts beside the recorded outcomes; its version
    // goes into the models used. Empty when no predictor is active.
    private async Task<Dictionary<string, DecayedCounts>> PredictedCountsAsync(
        IReadOnlyList<string> candidates, ActionContext context, DateTimeOffset now, Dictionary<string, string> used)
    {
        var predicted = new Dictionary<string, DecayedCounts>(StringComparer.Ordinal);
        if (await models.FixPredictorAsync() is { } fixPredictor)
        {
            var weight = recommender.Options.PredictorPseudoCounts;
            foreach (var candidate in candidates)
            {
                var p = fixPredictor.Model.Predict(Models.TrainingData.ToFeatures(context.With(candidate)));
                predicted[candidate] = new DecayedCounts(p * weight, (1 - p) * weight, now);
            }

            used["fixPredictor"] = fixPredictor.Version;
        }

        return predicted;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fail-safe: no module rule covers fingerprint {Fingerprint} with the kinds allowed here ({Allowed}); nothing is proposed.")]
    private partial void LogNoRule(string fingerprint, string allowed);
}
