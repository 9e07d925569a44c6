using System.Text;
using HealingGrains.Core.Security;
using HealingGrains.Silo.Configuration;
using HealingGrains.Storage;
using Microsoft.Extensions.Options;

namespace HealingGrains.Silo.Security;

/// <summary>
/// Holds the hash of the operator key: the configured one, else (embedded default) one generated at first start,
/// stored hashed in the row store and written once to a file only its owner can read.
/// </summary>
internal sealed partial class OperatorKey(
    IOptions<HealingGrainsOptions> options, IRowStore rows, ILogger<OperatorKey> logger) : IHostedService
{
    private const string Table = "platform";
    private const string Partition = "operator";
    private const string Row = "keyhash";
    private const string FileName = "operator.key";

    private string? _hash;

    /// <summary>Whether <paramref name="key"/> is the operator key.</summary>
    public bool Matches(string key) => MatchesHash(ApiKeys.Hash(key));

    /// <summary>Whether <paramref name="keyHash"/> (<see cref="ApiKeys.Hash"/>) is the operator key's hash.</summary>
    public bool MatchesHash(string keyHash) => _hash is { } hash && ApiKeys.HashesEqual(hash, keyHash);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Bootstrap.OperatorKey is { } configured)
        {
            _hash = ApiKeys.Hash(configured.Trim());
            return;
        }

        var path = Path.Combine(options.Value.DataDirectoryPath, FileName);
        var stored = await rows.ReadAsync(Table, Partition, Row, cancellationToken);
        if (stored is not null)
        {
            _hash = Encoding.UTF8.GetString(stored.Data.Span);
            LogUsingGenerated(logger, path);
            return;
        }

        var key = ApiKeys.NewOperatorKey();
        var hash = ApiKeys.Hash(key);
        Directory.CreateDirectory(options.Value.DataDirectoryPath);
        try
        {
            // CreateNew: the key is written once; an existing file is never overwritten.
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var file = new FileStream(path, fileOptions))
            {
                await file.WriteAsync(Encoding.UTF8.GetBytes(key + "\n"), cancellationToken);
            }
        }
        catch (IOException ex) when (File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{path} exists but the store under {options.Value.DataDirectoryPath} holds no operator key: delete the stale file, or set HealingGrains:Bootstrap:OperatorKey.", ex);
        }

        try
        {
            await rows.WriteAsync(Table, Partition, Row, Encoding.UTF8.GetBytes(hash), expectedETag: null, cancellationToken);
        }
        catch (RowConflictException)
        {
            // Another host on the same store generated one first: its key is the one.
            File.Delete(path);
            var winner = await rows.ReadAsync(Table, Partition, Row, cancellationToken)
                ?? throw new InvalidOperationException("The operator key row vanished while being created.");
            _hash = Encoding.UTF8.GetString(winner.Data.Span);
            return;
        }

        _hash = hash;
        LogGenerated(logger, path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generated the operator key and wrote it to {Path} (readable only by its owner); it is stored hashed and shown nowhere else")]
    private static partial void LogGenerated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Operator key: the one generated at first start, in {Path}")]
    private static partial void LogUsingGenerated(ILogger logger, string path);
}
