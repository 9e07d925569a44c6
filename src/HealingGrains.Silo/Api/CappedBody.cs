using Microsoft.AspNetCore.Http.Features;

namespace HealingGrains.Silo.Api;

/// <summary>
/// Reads a request body of at most a configured number of bytes (model files, federation bundles), whatever Kestrel's
/// own limit for ordinary JSON bodies, and never more than one byte past the cap.
/// </summary>
internal static class CappedBody
{
    /// <summary>The body's bytes, or null when it has more than <paramref name="cap"/> (said by its length or found reading).</summary>
    public static async Task<byte[]?> ReadAsync(HttpContext context, int cap, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > cap)
        {
            return null;
        }

        // Kestrel's own limit is sized for ordinary JSON bodies; a larger configured cap must not turn into its error.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit && limit.MaxRequestBodySize < cap + 1L)
        {
            limit.MaxRequestBodySize = cap + 1L;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        while (buffer.Length <= cap)
        {
            var read = await context.Request.Body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, cap + 1L - buffer.Length)), cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.Length > cap ? null : buffer.ToArray();
    }
}
