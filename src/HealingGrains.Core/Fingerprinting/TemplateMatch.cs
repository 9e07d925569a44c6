namespace HealingGrains.Core.Fingerprinting;

/// <summary>The cluster a message joined, its template after joining, and whether the cluster is new or its template changed.</summary>
public readonly record struct TemplateMatch(string ClusterId, string Template, bool Created, bool TemplateChanged);
