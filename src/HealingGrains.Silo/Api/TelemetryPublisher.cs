using System.Collections.Concurrent;
using HealingGrains.Abstractions;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Grains.Telemetry;

namespace HealingGrains.Silo.Api;

/// <summary>
/// Publishes accepted events on their deployment's diagnostics stream. The events of requests that arrive for one
/// deployment while its previous publish is in flight go out together, as one batch, when that publish completes
/// (group commit): a host answering many small requests pays one stream message, one delivery and one classifier
/// turn for each group instead of for each request. Nothing waits for company: a request to an idle deployment is
/// published at once. Each request still answers only once its own events are published (or with the publish's
/// error), so 202 keeps its meaning; when a publish finds the stream unavailable, the requests waiting behind it fail
/// with it at once. A request bigger than one batch (<see cref="TelemetryParts.MaxPartBytes"/>) is
/// cut into its own batches and published alone, as before.
/// </summary>
internal sealed class TelemetryPublisher(IClusterClient cluster, IngestPressure pressure)
{
    /// <summary>Deployments remembered at most; past this many the host starts again with none.</summary>
    public const int MaxDeployments = 100_000;

    private readonly ConcurrentDictionary<(string TenantId, string Deployment), Lane> _lanes = new();

    /// <summary>
    /// The deployment's lane, or null when the deployment is not registered. A registration cannot be undone, so a
    /// deployment found registered once is not asked about again (a grain call per request was a tenth of the work
    /// of a single-event request).
    /// </summary>
    public async ValueTask<Lane?> FindAsync(string tenantId, string deployment)
    {
        if (_lanes.TryGetValue((tenantId, deployment), out var lane))
        {
            return lane;
        }

        if (!await cluster.Grain<IDeploymentGrain>(DeploymentKey.Format(tenantId, deployment)).IsRegisteredAsync())
        {
            return null;
        }

        if (_lanes.Count >= MaxDeployments)
        {
            _lanes.Clear();
        }

        var stream = cluster.GetStreamProvider(HealingStreams.ProviderName)
            .GetStream<DiagnosticBatch>(HealingStreams.Diagnostics(tenantId, deployment));
        return _lanes.GetOrAdd((tenantId, deployment), _ => new Lane(batch => stream.OnNextAsync(batch), pressure));
    }

    /// <summary>
    /// The publishes of one deployment, one at a time: while one is in flight, the requests that arrive wait in the
    /// open group, which goes next. A group holds at most <see cref="TelemetryParts.MaxPartBytes"/> estimated bytes,
    /// as a batch cut from one request does (so at most 625 events, each being estimated at 64 bytes or more); a
    /// request that does not fit seals it and opens the next.
    /// </summary>
    internal sealed class Lane(Func<DiagnosticBatch, Task> publish, IngestPressure? pressure = null)
    {
        private readonly Lock _lock = new();
        private readonly Queue<Group> _sealed = new();
        private Group? _open;
        private bool _publishing;

        /// <summary>Publishes the events, alone or with others'; completes when they are published, or fails as the publish did.</summary>
        public Task PublishAsync(DateTimeOffset receivedAt, IReadOnlyList<DiagnosticEvent> events)
        {
            pressure?.Accepted(events.Count);
            var bytes = 0;
            foreach (var e in events)
            {
                bytes += TelemetryParts.EstimatedBytes(e);
            }

            if (bytes > TelemetryParts.MaxPartBytes)
            {
                return PublishAloneAsync(receivedAt, events);
            }

            Group group;
            var start = false;
            lock (_lock)
            {
                if (_open is null || !_open.Fits(bytes))
                {
                    if (_open is not null)
                    {
                        _sealed.Enqueue(_open);
                    }

                    _open = new Group(receivedAt);
                }

                group = _open;
                group.Add(events, bytes);
                if (!_publishing)
                {
                    _publishing = start = true;
                }
            }

            if (start)
            {
                _ = PumpAsync();
            }

            return group.Published;
        }

        private async Task PublishAloneAsync(DateTimeOffset receivedAt, IReadOnlyList<DiagnosticEvent> events)
        {
            foreach (var part in TelemetryParts.Split(receivedAt, events))
            {
                await publish(part);
                HealingMetrics.Published(part.Events.Count);
            }
        }

        // The groups waiting behind a publish that found the stream unavailable would wait as long and most likely meet
        // the same: they fail now with its error (a 503 with Retry-After to each request), rather than each request
        // waiting out the timeouts of every group ahead of it. A storage outage otherwise held requests for the whole
        // outage and longer, since one deployment's publishes go one at a time. Nothing of theirs was published.
        private void FailWaiting(Exception failure)
        {
            List<Group> waiting;
            lock (_lock)
            {
                waiting = [.. _sealed];
                _sealed.Clear();
                if (_open is not null)
                {
                    waiting.Add(_open);
                    _open = null;
                }
            }

            foreach (var group in waiting)
            {
                group.Done.TrySetException(failure);
            }
        }

        // Publishes groups in order until none is left; never throws (each group's outcome goes to its requests).
        private async Task PumpAsync()
        {
            while (true)
            {
                Group next;
                lock (_lock)
                {
                    if (_sealed.Count > 0)
                    {
                        next = _sealed.Dequeue();
                    }
                    else if (_open is not null)
                    {
                        next = _open;
                        _open = null;
                    }
                    else
                    {
                        _publishing = false;
                        return;
                    }
                }

                try
                {
                    var batch = next.ToBatch();
                    await publish(batch);
                    HealingMetrics.Published(batch.Events.Count);
                    next.Done.TrySetResult();
                }
                catch (Exception ex)
                {
                    next.Done.TrySetException(ex);
                    if (Hosting.DependencyFailures.IsUnavailable(ex, CancellationToken.None))
                    {
                        FailWaiting(ex);
                    }
                }
            }
        }
    }

    /// <summary>The events of the requests that go out in one batch.</summary>
    private sealed class Group(DateTimeOffset receivedAt)
    {
        private readonly List<DiagnosticEvent> _events = [];
        private int _bytes;

        // Continuations run on the thread pool, not inline in the lane's publish loop.
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Published => Done.Task;

        public bool Fits(int bytes) => _bytes + bytes <= TelemetryParts.MaxPartBytes;

        public void Add(IReadOnlyList<DiagnosticEvent> events, int bytes)
        {
            _events.AddRange(events);
            _bytes += bytes;
        }

        // The earliest request's acceptance time: the lag the classifier measures is never understated.
        public DiagnosticBatch ToBatch() => new() { ReceivedAt = receivedAt, Events = _events, BatchId = Guid.NewGuid() };
    }
}
