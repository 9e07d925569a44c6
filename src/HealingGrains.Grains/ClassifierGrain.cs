using HealingGrains.Core.Fingerprinting;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace HealingGrains.Grains;

/// <inheritdoc cref="IClassifierGrain"/>
[ImplicitStreamSubscription(HealingStreams.DiagnosticsNamespace)]
public sealed partial class ClassifierGrain(ILogger<ClassifierGrain> logger, Models.ActiveModels models, TimeProvider time, Telemetry.IngestPressure pressure)
    : Grain, IClassifierGrain, IAsyncBatchObserver<DiagnosticBatch>, IStreamSubscriptionObserver
{
    private long _processed;

    /// <inheritdoc/>
    public Task<long> GetProcessedCountAsync() => Task.FromResult(_processed);

    /// <inheritdoc/>
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<DiagnosticBatch>().ResumeAsync((IAsyncBatchObserver<DiagnosticBatch>)this);

    /// <summary>
    /// Processes what the stream delivered at once: one request's batch when the deployment is quiet, the batches that
    /// queued up behind the last delivery when it is busy (up to the pulling agent's batch size). They are processed as
    /// one: one miner call, one grouping call, one call and one state write per fingerprint, however many batches.
    /// Each fingerprint still learns which occurrences came from which batch, and applies each batch once.
    /// </summary>
    public async Task OnNextAsync(IList<SequentialItem<DiagnosticBatch>> items)
    {
        var now = time.GetUtcNow();
        var oldest = DateTimeOffset.MaxValue;
        var events = 0;
        foreach (var item in items)
        {
            Telemetry.HealingMetrics.Lag(now - item.Item.ReceivedAt);
            oldest = item.Item.ReceivedAt < oldest ? item.Item.ReceivedAt : oldest;
            events += item.Item.Events.Count;
        }

        if (items.Count > 0)
        {
            pressure.Observe(oldest, events);
        }

        // A queue may hold two copies of one batch (a send that timed out was stored, and so was its retry), and one
        // delivery may bring both: a batch id is processed once here, and once per fingerprint across deliveries.
        var seen = new HashSet<Guid>();
        var distinct = items.Count == 1 ? items : [.. items.Where(i => i.Item.BatchId == Guid.Empty || seen.Add(i.Item.BatchId))];
        try
        {
            await ProcessAsync(distinct);
            var done = time.GetUtcNow();
            foreach (var item in distinct)
            {
                Telemetry.HealingMetrics.Processed(done - item.Item.ReceivedAt);
            }
        }
        catch (Exception ex) when (ex is not TimeoutException)
        {
            // A dependency failed (storage down): the batches accepted until now waited for it, not for a backlog.
            // Not on a timeout: that is what an overloaded cluster answers, and then the lag is a backlog's.
            pressure.Failed();
            throw;
        }
    }

    private async Task ProcessAsync(IList<SequentialItem<DiagnosticBatch>> items)
    {
        var key = this.GetPrimaryKeyString();
        var (tenantId, deployment) = DeploymentKey.Parse(key);
        var total = 0;
        foreach (var item in items)
        {
            total += item.Item.Events.Count;
        }

        var computed = new List<Computed>(total);
        var toMine = new List<(DiagnosticEvent Event, Guid BatchId)>(total);
        List<MetricPoint>? metrics = null;
        var eventCount = 0;

        foreach (var (e, batchId) in items.SelectMany(i => i.Item.Events.Select(e => (e, i.Item.BatchId))))
        {
            eventCount++;
            if (e.Kind == DiagnosticEventKind.Metric)
            {
                (metrics ??= []).Add(new MetricPoint { Name = e.Name!, Timestamp = e.Timestamp, Value = e.Value });
                continue;
            }

            if (!string.IsNullOrWhiteSpace(e.StackTrace))
            {
                var stack = StackTraceNormalizer.Normalize(e.StackTrace);
                if (stack.Frames.Count > 0)
                {
                    var masked = VariableMasker.Mask(MinerText(e));
                    computed.Add(new Computed(ErrorFingerprint.ForStack(e.ExceptionType, stack), masked, masked, FingerprintSource.Stack, e, batchId));
                    continue;
                }
            }

            toMine.Add((e, batchId));
        }

        if (toMine.Count > 0)
        {
            var assignments = await GrainFactory.Grain<ITemplateMinerGrain>(tenantId)
                .AssignAsync([.. toMine.Select(m => MinerText(m.Event))]);
            for (var i = 0; i < toMine.Count; i++)
            {
                var (e, batchId) = toMine[i];
                computed.Add(new Computed(
                    assignments[i].ClusterId, assignments[i].Template, VariableMasker.Mask(MinerText(e)), FingerprintSource.Template, e, batchId));
            }
        }

        // The admins' merges and splits, in one call per batch, so that the next event already follows a new decision.
        var observations = new Dictionary<string, ObservationBuilder>(StringComparer.Ordinal);
        if (computed.Count > 0)
        {
            // Asked once per distinct fingerprint and masked text: a resolution depends on nothing else, and the events of
            // one template mask alike (a delivery of hundreds of events asks tens of questions).
            var queries = new List<GroupingQuery>();
            var asked = new Dictionary<(string Id, string MaskedText), int>();
            var question = new int[computed.Count];
            for (var i = 0; i < computed.Count; i++)
            {
                var c = computed[i];
                if (!asked.TryGetValue((c.Id, c.MaskedText), out question[i]))
                {
                    question[i] = queries.Count;
                    asked.Add((c.Id, c.MaskedText), queries.Count);
                    queries.Add(new GroupingQuery { FingerprintId = c.Id, MaskedText = c.MaskedText });
                }
            }

            var resolved = await GrainFactory.Grain<IFingerprintGroupingGrain>(tenantId).ResolveAsync(queries);
            for (var i = 0; i < computed.Count; i++)
            {
                var (c, r) = (computed[i], resolved[question[i]]);
                Observe(observations, r.FingerprintId, r.Template ?? c.Template, c.Source, c.Event, c.BatchId, deployment, r.Merged, r.Merged ? null : r.SplitFrom);
            }
        }

        // The category of each fingerprint in the batch, from its first event, by the active classifier; with the
        // fail-safe on, no model is consulted (loading the active one is not consulting it; the policy is asked only when
        // a classifier is active at all).
        if (observations.Count > 0
            && await models.ClassifierAsync() is { } classifier
            && await GrainFactory.Grain<ITenantGrain>(tenantId).GetPolicyAsync() is { AiEnabled: true })
        {
            foreach (var builder in observations.Values)
            {
                var first = builder.First;
                builder.Classify(classifier.Model.Classify(first.ExceptionType, first.Message, first.StackTrace).ToString(), classifier.Version);
            }
        }

        var recorded = await Task.WhenAll(observations.Select(async o =>
            (Id: o.Key, NewHere: await GrainFactory.Grain<IFingerprintGrain>(FingerprintKey.Format(tenantId, o.Key))
                .RecordAsync(o.Value.Build()))));

        var deploymentGrain = GrainFactory.Grain<IDeploymentGrain>(key);
        var newHere = recorded.Where(r => r.NewHere).Select(r => r.Id).ToList();
        if (newHere.Count > 0)
        {
            await deploymentGrain.AddFingerprintsAsync(newHere);
        }

        if (metrics is not null)
        {
            await deploymentGrain.RecordMetricPointsAsync(metrics);
        }

        if (observations.Count > 0)
        {
            await deploymentGrain.OnFingerprintsAsync([.. observations.Select(o => new FingerprintOccurrence
            {
                Id = o.Key,
                ExceptionType = o.Value.ExceptionType,
                Template = o.Value.Template,
                OccurredAt = o.Value.OccurredAt,
                Category = o.Value.Category,
                Terms = o.Value.Terms,
            })]);
        }

        _processed += eventCount;
        LogBatchProcessed(logger, key, items.Count, eventCount, observations.Count);
    }

    /// <inheritdoc/>
    public Task OnCompletedAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(logger, ex, this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    // The exception type is part of what is mined: two exception types that share a message template are two bugs.
    private static string MinerText(DiagnosticEvent e) =>
        (e.ExceptionType, e.Message) switch
        {
            ({ Length: > 0 } type, { Length: > 0 } message) => $"{type}: {message}",
            (_, { Length: > 0 } message) => message,
            ({ } type, _) => type,
            _ => "",
        };

    private static void Observe(
        Dictionary<string, ObservationBuilder> observations, string id, string template, FingerprintSource source,
        DiagnosticEvent e, Guid batchId, string deployment, bool redirected, string? splitFrom)
    {
        if (!observations.TryGetValue(id, out var builder))
        {
            builder = new ObservationBuilder(deployment, source, e);
            observations.Add(id, builder);
        }

        builder.Add(template, e, batchId, redirected, splitFrom);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Classified {BatchCount} batches, {EventCount} events, of {Deployment} into {FingerprintCount} fingerprints")]
    private static partial void LogBatchProcessed(ILogger logger, string deployment, int batchCount, int eventCount, int fingerprintCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "The diagnostics stream of {Deployment} failed")]
    private static partial void LogStreamError(ILogger logger, Exception exception, string deployment);

    private sealed class ObservationBuilder(string deployment, FingerprintSource source, DiagnosticEvent first)
    {
        private string? _categoryModel;

        public DiagnosticEvent First => first;

        public string? ExceptionType => first.ExceptionType;

        public string? Category { get; private set; }

        public void Classify(string category, string model)
        {
            Category = category;
            _categoryModel = model;
        }

        public string Template => _template;

        public IReadOnlyList<DateTimeOffset> OccurredAt => _occurredAt;

        /// <summary>The tenant's own words the events carried (services, versions, attribute values), for federation to mask.</summary>
        public IReadOnlyList<string> Terms => [.. _terms];

        // Enough for the hosts, regions and instances of a batch; the rest of a huge batch adds little.
        private const int MaxTerms = 64;

        private readonly List<DateTimeOffset> _occurredAt = [];
        private readonly List<BatchPart> _parts = [];
        private readonly HashSet<string> _terms = new(StringComparer.Ordinal);
        private string _template = "";
        private bool _ownTemplate;
        private string? _version;
        private string? _splitFrom;

        public void Add(string template, DiagnosticEvent e, Guid batchId, bool redirected, string? splitFrom)
        {
            // Occurrences are added batch by batch in delivery order, so each batch's are one run.
            if (_parts.Count > 0 && _parts[^1].BatchId == batchId)
            {
                _parts[^1] = _parts[^1] with { Count = _parts[^1].Count + 1 };
            }
            else
            {
                _parts.Add(new BatchPart(batchId, 1));
            }

            var (at, version) = (e.Timestamp, e.Version);
            Term(e.Service);
            Term(e.Version);
            foreach (var value in e.Attributes?.Values ?? [])
            {
                Term(value);
            }

            // An event merged in from another fingerprint carries that one's template: only a template of this
            // fingerprint's own events may replace the recorded one.
            if (!redirected || !_ownTemplate)
            {
                _template = template;
                _ownTemplate |= !redirected;
            }

            _occurredAt.Add(at);
            _version = version ?? _version;
            _splitFrom ??= splitFrom;
        }

        private void Term(string? term)
        {
            if (!string.IsNullOrWhiteSpace(term) && term.Length <= 256 && _terms.Count < MaxTerms)
            {
                _terms.Add(term);
            }
        }

        public FingerprintObservation Build() => new()
        {
            BatchId = _parts.Count == 1 ? _parts[0].BatchId : Guid.Empty,
            Parts = _parts.Count == 1 ? [] : _parts,
            Deployment = deployment,
            Template = _template,
            ExceptionType = first.ExceptionType,
            SampleMessage = first.Message ?? first.ExceptionType ?? "",
            OccurredAt = _occurredAt,
            Source = source,
            Version = _version,
            Redirected = !_ownTemplate,
            SplitFrom = _splitFrom,
            Category = Category,
            CategoryModel = _categoryModel,
        };
    }

    private readonly record struct Computed(string Id, string Template, string MaskedText, FingerprintSource Source, DiagnosticEvent Event, Guid BatchId);
}
