namespace HealingGrains.Storage;

/// <summary>A payload is larger than the backend's documented maximum; nothing was written.</summary>
public sealed class RowTooLargeException : Exception
{
    public RowTooLargeException()
    {
    }

    public RowTooLargeException(string message)
        : base(message)
    {
    }

    public RowTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
