using System.Security.Cryptography;
using System.Text;
using HealingGrains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealingGrains.Grains.Federation;

/// <summary>
/// The platform key (HMAC of signatures and pseudonyms) and the bundle-signing key: the configured ones, else the ones
/// generated at first start and kept in the row store (<c>platform/federation</c>), so that restarts and every silo of
/// a cluster agree. Loaded once per silo; a failed load is tried again on the next use. Never logged.
/// </summary>
public sealed partial class FederationKeys(IOptions<FederationSettings> settings, IRowStore rows, ILogger<FederationKeys> logger)
{
    private const string Table = "platform";
    private const string Partition = "federation";
    private const string KeyRow = "key";
    private const string SigningRow = "signing-key";

    private readonly Lock _lock = new();
    private Task<Material>? _loading;

    /// <summary>The platform key.</summary>
    public async Task<byte[]> KeyAsync() => (await MaterialAsync()).Key;

    /// <summary>The signing key's PKCS#8 PEM (a fresh <see cref="ECDsa"/> is made from it per use: instances are not thread-safe).</summary>
    public async Task<string> SigningKeyPemAsync() => (await MaterialAsync()).SigningPem;

    /// <summary>The signing key's public half, base64 SubjectPublicKeyInfo: what other installations trust.</summary>
    public async Task<string> PublicKeyAsync() => (await MaterialAsync()).PublicKey;

    private Task<Material> MaterialAsync()
    {
        lock (_lock)
        {
            if (_loading is null || _loading.IsFaulted || _loading.IsCanceled)
            {
                _loading = LoadAsync();
            }

            return _loading;
        }
    }

    private async Task<Material> LoadAsync()
    {
        var configured = settings.Value;
        var key = configured.Key is { } text
            ? Convert.FromBase64String(text.Trim())
            : Convert.FromBase64String(await StoredAsync(KeyRow, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), "platform key"));
        var pem = configured.SigningKey ?? await StoredAsync(SigningRow, () =>
        {
            using var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return generated.ExportPkcs8PrivateKeyPem();
        }, "bundle-signing key");
        if (FederationSettings.SigningKeyProblem(pem) is { } problem)
        {
            throw new InvalidOperationException($"The stored federation signing key (row {Table}/{Partition}/{SigningRow}) {problem}");
        }

        using var signing = ECDsa.Create();
        signing.ImportFromPem(pem);
        return new Material(key, pem, Convert.ToBase64String(signing.ExportSubjectPublicKeyInfo()));
    }

    // The stored value, or a generated one stored now; when two silos generate at once, the first write wins for both.
    private async Task<string> StoredAsync(string row, Func<string> generate, string what)
    {
        if (await rows.ReadAsync(Table, Partition, row) is { } stored)
        {
            return Encoding.UTF8.GetString(stored.Data.Span);
        }

        var value = generate();
        try
        {
            await rows.WriteAsync(Table, Partition, row, Encoding.UTF8.GetBytes(value), expectedETag: null);
            LogGenerated(logger, what, $"{Table}/{Partition}/{row}");
            return value;
        }
        catch (RowConflictException)
        {
            var winner = await rows.ReadAsync(Table, Partition, row)
                ?? throw new InvalidOperationException($"The federation {what} row vanished while being created.");
            return Encoding.UTF8.GetString(winner.Data.Span);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generated the federation {What} and stored it in the row store ({Row}); configure HealingGrains:Federation to keep it elsewhere")]
    private static partial void LogGenerated(ILogger logger, string what, string row);

    private sealed record Material(byte[] Key, string SigningPem, string PublicKey);
}
