namespace HealingGrains.Core.Fingerprinting;

/// <summary>
/// A stack trace reduced to what identifies the code path: frames without line numbers, paths, addresses, lambda and
/// state-machine names or generic arity, innermost first; <see cref="InAppFrames"/> keeps the tenant's own code only.
/// </summary>
public sealed record NormalizedStack(StackFormat Format, IReadOnlyList<string> Frames, IReadOnlyList<string> InAppFrames);
