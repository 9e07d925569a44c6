namespace HealingGrains.Cli.Commands;

/// <summary>What <c>hg send</c> did.</summary>
internal sealed record SendSummary(int EventsSent, int Batches, string? Error)
{
    public bool Failed => Error is not null;

    public override string ToString() =>
        Error is null
            ? $"sent {EventsSent} events in {Batches} batches"
            : $"sent {EventsSent} events in {Batches} batches, then failed: {Error}";
}
