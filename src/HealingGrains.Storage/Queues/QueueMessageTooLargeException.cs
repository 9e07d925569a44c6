namespace HealingGrains.Storage.Queues;

/// <summary>The events of one publication do not fit in one queue message (64 KiB, after compression).</summary>
public sealed class QueueMessageTooLargeException : Exception
{
    public QueueMessageTooLargeException()
    {
    }

    public QueueMessageTooLargeException(string message)
        : base(message)
    {
    }

    public QueueMessageTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
