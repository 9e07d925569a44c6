using System.Diagnostics;
using System.Globalization;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Core.Healing;
using HealingGrains.Grains;
using HealingGrains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace HealingGrains.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/HealingGrains.Benchmarks -- grains [count]</c>: activates <c>count</c>
/// (default 1,000,000) fingerprint grains in one silo, as ingest does (each records one occurrence, its state written
/// to the embedded SQLite store, applied batches remembered in memory as on the memory stream), and reports the
/// managed heap with all of them active, after a full compacting collection. Issue 13 asks at most 4 GiB for a million.
/// </summary>
public static class GrainMemory
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var directory = Path.Combine(Path.GetTempPath(), "hg-grain-memory", Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: 11_911, gatewayPort: 30_911);
            silo.AddRowStoreGrainStorage(GrainStorageNames.State);
            silo.Services.AddSqliteRowStore(_ => Path.Combine(directory, "grains.db"));
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddSingleton(new Recommender());
            silo.Services.Configure<AppliedBatchWindow>(AppliedBatchWindow.InMemory);

            // Nothing may be collected while the count is being reached.
            silo.Services.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromHours(2));
        });

        using var host = builder.Build();
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var baseline = HeapBytes();
        Console.WriteLine($"grains: heap before {baseline / 1048576.0:N0} MiB; activating {count:N0} fingerprint grains");

        var clock = Stopwatch.StartNew();
        var done = 0;
        var now = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 256 }, async (i, _) =>
        {
            var tenant = $"tenant-{i % 100:D3}";
            var id = i.ToString("x16", CultureInfo.InvariantCulture);
            await grains.GetGrain<IFingerprintGrain>(FingerprintKey.Format(tenant, id)).RecordAsync(new FingerprintObservation
            {
                BatchId = Guid.NewGuid(),
                Deployment = "shop-prod",
                Template = $"Npgsql.NpgsqlException: connection to <*>:5432 refused (pool {i % 977})",
                SampleMessage = $"Npgsql.NpgsqlException: connection to 10.0.{i % 250}.{i % 200}:5432 refused (pool {i % 977})",
                ExceptionType = "Npgsql.NpgsqlException",
                OccurredAt = [now],
                Source = FingerprintSource.Template,
                Version = "1.4.2",
            });
            if (Interlocked.Increment(ref done) % 50_000 == 0)
            {
                Console.WriteLine($"grains: {done:N0} active, {clock.Elapsed.TotalSeconds:0} s, heap {HeapBytes() / 1048576.0:N0} MiB");
            }
        });

        var heap = HeapBytes();
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"grains: {count:N0} active in {clock.Elapsed.TotalSeconds:0} s; managed heap {heap / 1073741824.0:0.00} GiB after a full compacting collection ({(heap - baseline) / (double)count:N0} bytes per grain over the {baseline / 1048576.0:N0} MiB before); GC heap size {info.HeapSizeBytes / 1073741824.0:0.00} GiB; working set {Environment.WorkingSet / 1073741824.0:0.00} GiB"));
        if (Environment.GetEnvironmentVariable("HG_GRAINS_PAUSE") is { Length: > 0 } pause)
        {
            // Time to take a heap dump (dotnet-gcdump collect -p <pid>) with every grain still active.
            Console.WriteLine($"grains: pausing {pause} s (pid {Environment.ProcessId})");
            await Task.Delay(TimeSpan.FromSeconds(int.Parse(pause, CultureInfo.InvariantCulture)));
        }

        await host.StopAsync();
        Directory.Delete(directory, recursive: true);
        return heap <= 4L * 1024 * 1024 * 1024 ? 0 : 1;
    }

    private static long HeapBytes()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }
}
