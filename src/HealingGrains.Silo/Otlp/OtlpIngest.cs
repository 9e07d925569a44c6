using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Silo.Otlp;

/// <summary>What one export request yields: events per deployment, and the items rejected with the first reasons why.</summary>
internal sealed class OtlpIngest
{
    private const int MaxReasons = 3;
    private readonly List<string> _reasons = [];

    public Dictionary<string, List<DiagnosticEvent>> Events { get; } = new(StringComparer.Ordinal);

    public long Rejected { get; private set; }

    /// <summary>The first distinct reasons, for <c>partial_success.error_message</c>.</summary>
    public string ErrorMessage => _reasons.Count == 0
        ? ""
        : string.Join(" ", _reasons) + (Rejected > _reasons.Count && _reasons.Count == MaxReasons ? " (first reasons only)" : "");

    public void Add(string deployment, DiagnosticEvent e)
    {
        if (!Events.TryGetValue(deployment, out var events))
        {
            events = [];
            Events[deployment] = events;
        }

        events.Add(e);
    }

    public void Reject(long count, string reason)
    {
        if (count <= 0)
        {
            return;
        }

        Rejected += count;
        if (_reasons.Count < MaxReasons && !_reasons.Contains(reason, StringComparer.Ordinal))
        {
            _reasons.Add(reason);
        }
    }
}
