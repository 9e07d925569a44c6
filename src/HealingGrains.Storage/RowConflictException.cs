namespace HealingGrains.Storage;

/// <summary>A conditional write or delete found the row in another state than the caller expected; nothing was changed.</summary>
public sealed class RowConflictException : Exception
{
    public RowConflictException()
    {
    }

    public RowConflictException(string message)
        : base(message)
    {
    }

    public RowConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
