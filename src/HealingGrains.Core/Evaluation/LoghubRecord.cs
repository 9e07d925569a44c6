namespace HealingGrains.Core.Evaluation;

/// <summary>One labelled line of a Loghub structured CSV: the message, its true group and its true template.</summary>
public sealed record LoghubRecord(string Content, string EventId, string EventTemplate);
