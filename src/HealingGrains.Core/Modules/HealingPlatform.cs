namespace HealingGrains.Core.Modules;

/// <summary>The platform modules are checked against (a manifest's <c>platform</c> range must contain it).</summary>
public static class HealingPlatform
{
    /// <summary>
    /// The platform's version for modules: a constant of the code, not configuration, because it says which manifest
    /// schema and rule semantics this build implements. Raise the major version when a change could alter what an
    /// existing module proposes, the minor one when the schema only grows.
    /// </summary>
    public const string VersionText = "1.0.0";

    /// <summary><see cref="VersionText"/>, parsed.</summary>
    public static SemanticVersion Version { get; } = SemanticVersion.TryParse(VersionText, out var v) ? v : throw new InvalidOperationException("Invalid platform version.");
}
