using System.Security.Cryptography;
using System.Text;

namespace HealingGrains.Core.Fingerprinting;

/// <summary>The fingerprint of a stack-bearing error: its exception type and where in the tenant's code it was thrown.</summary>
public static class ErrorFingerprint
{
    /// <summary>
    /// 16 lowercase hex digits of SHA-256 over the exception type and the top <paramref name="topFrames"/> in-app
    /// frames (all frames when none is in-app). Stable across processes, builds and hosts.
    /// </summary>
    public static string ForStack(string? exceptionType, NormalizedStack stack, int topFrames = 5)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentOutOfRangeException.ThrowIfLessThan(topFrames, 1);
        var frames = stack.InAppFrames.Count > 0 ? stack.InAppFrames : stack.Frames;
        var text = new StringBuilder("stack\n").Append(exceptionType?.Trim() ?? "").Append('\n');
        foreach (var frame in frames.Take(topFrames))
        {
            text.Append(frame).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
