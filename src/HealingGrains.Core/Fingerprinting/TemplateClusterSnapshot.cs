namespace HealingGrains.Core.Fingerprinting;

/// <summary>What a cluster needs to survive a restart: id, template tokens, count, and the logical time of its last match.</summary>
public sealed record TemplateClusterSnapshot(string Id, IReadOnlyList<string> Tokens, long Count, long LastSeen);
