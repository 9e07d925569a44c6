namespace HealingGrains.Core.Federation;

/// <summary>Why a bundle is refused.</summary>
public enum BundleRefusal
{
    /// <summary>A format this build does not read.</summary>
    Format,

    /// <summary>Signed by a key that is not trusted.</summary>
    Untrusted,

    /// <summary>The signature does not verify (changed after signing, or malformed).</summary>
    Signature,

    /// <summary>A pattern has fewer contributors than this installation requires.</summary>
    BelowThreshold,
}
