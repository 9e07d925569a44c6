using HealingGrains.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HealingGrains.Silo.Health;

/// <summary>Ready only when the row store (SQLite or Azure Table storage) answers a read within the check's time.</summary>
internal sealed class StorageHealthCheck(IRowStore rows) : IHealthCheck
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        try
        {
            // Any row will do; this one exists once the host has started and proves the table answers.
            await rows.ReadAsync("platform", "operator", "keyhash", timeout.Token);
            return HealthCheckResult.Healthy($"The row store ({rows.GetType().Name}) answers.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The row store did not answer within {Patience.TotalSeconds} s.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The row store failed: {ex.GetType().Name}.", ex);
        }
    }
}
