using HealingGrains.Abstractions;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;

namespace HealingGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ClassifierPipelineTests(ClusterFixture fixture)
{
    private const string DotNetStackBuildOne =
        "   at Shop.Inventory.Client.ReserveAsync(Guid sku) in /src/build-1/Shop.Inventory/Client.cs:line 88\n" +
        "   at Shop.Api.Orders.Post() in /src/build-1/Shop.Api/Orders.cs:line 41";

    private const string DotNetStackBuildTwo =
        "   at Shop.Inventory.Client.ReserveAsync(Guid sku) in /agent/_work/7/s/Shop.Inventory/Client.cs:line 97\n" +
        "   at Shop.Api.Orders.Post() in /agent/_work/7/s/Shop.Api/Orders.cs:line 45";

    [Fact]
    public async Task ErrorsThatDifferOnlyInValuesShareOneFingerprint()
    {
        var tenant = TestIds.Tenant();
        await RegisterAsync(tenant, "shop-prod");

        await PublishAsync(tenant, "shop-prod",
            Error("Payment gateway returned 503 after 17 ms for order 119"),
            Error("Payment gateway returned 503 after 2301 ms for order 16107"),
            Error("Payment gateway returned 503 after 99 ms for order 693"));

        var fingerprints = await FingerprintsAsync(tenant, "shop-prod", f => f.Count == 1 && f[0].Count == 3);
        var only = Assert.Single(fingerprints);
        Assert.Equal(3, only.Count);
        Assert.Contains("<*>", only.Template, StringComparison.Ordinal);
        Assert.Equal(FingerprintSource.Template, only.Source);
        Assert.Equal(["shop-prod"], only.Deployments);
    }

    [Fact]
    public async Task ABatchStoredTwiceIsCountedOnceEvenWhenItsCopiesAreDeliveredTogether()
    {
        // A queue may hold two copies of one batch (a send that timed out was stored, and so was its retry); the
        // agent may deliver both in one call. Each batch id counts once.
        var tenant = TestIds.Tenant();
        await RegisterAsync(tenant, "shop-prod");
        var stream = fixture.Client.GetStreamProvider(HealingStreams.ProviderName)
            .GetStream<DiagnosticBatch>(HealingStreams.Diagnostics(tenant, "shop-prod"));
        var copy = new DiagnosticBatch
        {
            BatchId = Guid.NewGuid(),
            ReceivedAt = fixture.Time.GetUtcNow(),
            Events = [Error("Ledger replica lagging by 41 s"), Error("Ledger replica lagging by 77 s")],
        };

        await stream.OnNextAsync(copy);
        await stream.OnNextAsync(copy);
        await stream.OnNextAsync(copy);
        await stream.OnNextAsync(new DiagnosticBatch
        {
            BatchId = Guid.NewGuid(),
            ReceivedAt = fixture.Time.GetUtcNow(),
            Events = [Error("Ledger replica lagging by 5 s"), Error("Disk quota exceeded on volume ledger-data")],
        });

        var fingerprints = await FingerprintsAsync(tenant, "shop-prod", f => f.Count == 2);
        Assert.Equal(3, fingerprints.Single(f => f.Template.Contains("lagging", StringComparison.Ordinal)).Count);
        Assert.Equal(1, fingerprints.Single(f => f.Template.Contains("quota", StringComparison.Ordinal)).Count);
    }

    [Fact]
    public async Task DifferentErrorsGetDifferentFingerprints()
    {
        var tenant = TestIds.Tenant();
        await RegisterAsync(tenant, "shop-prod");

        await PublishAsync(tenant, "shop-prod",
            Error("Payment gateway returned 503 after 17 ms for order 119"),
            Error("Connection pool exhausted: 100 of 100 connections in use"));

        var fingerprints = await FingerprintsAsync(tenant, "shop-prod", f => f.Count == 2);
        Assert.Equal(2, fingerprints.Count);
    }

    [Fact]
    public async Task TheSameErrorOnTwoDeploymentsOfATenantHasOneFingerprint()
    {
        var tenant = TestIds.Tenant();
        await RegisterAsync(tenant, "shop-prod");
        await RegisterAsync(tenant, "shop-staging");

        await PublishAsync(tenant, "shop-staging", Error("Cache node cache-7 did not answer within 250 ms"));
        await PublishAsync(tenant, "shop-prod", Error("Cache node cache-2 did not answer within 900 ms"));

        var prod = await FingerprintsAsync(tenant, "shop-prod", f => f.Count == 1);
        var staging = await FingerprintsAsync(tenant, "shop-staging", f => f.Count == 1);
        var info = await Eventually.ReachAsync(
            () => fixture.Client.GetGrain<IFingerprintGrain>(FingerprintKey.Format(tenant, prod[0].Id)).GetAsync(),
            f => f?.Deployments.Count == 2);
        Assert.Equal(prod[0].Id, staging[0].Id);
        Assert.Equal(["shop-prod", "shop-staging"], info!.Deployments);
        Assert.Equal(2, info.Count);
    }

    [Fact]
    public async Task AStackBearingErrorFromTwoBuildsKeepsItsFingerprint()
    {
        var tenant = TestIds.Tenant();
        await RegisterAsync(tenant, "shop-prod");

        await PublishAsync(tenant, "shop-prod",
            Error("Timeout after 30000 ms calling inventory", "System.TimeoutException", DotNetStackBuildOne, "1.4.2"),
            Error("Timeout after 12000 ms calling inventory", "System.TimeoutException", DotNetStackBuildTwo, "1.4.3"));

        var fingerprints = await FingerprintsAsync(tenant, "shop-prod", f => f.Count == 1 && f[0].Count == 2);
        var only = Assert.Single(fingerprints);
        Assert.Equal(FingerprintSource.Stack, only.Source);
        Assert.Equal("System.TimeoutException", only.ExceptionType);
        Assert.Equal("1.4.3", only.LastVersion);
    }

    [Fact]
    public async Task OccurrencesAreBucketedPerMinuteForTheLastDay()
    {
        var tenant = TestIds.Tenant();
        await RegisterAsync(tenant, "shop-prod");
        var now = fixture.Time.GetUtcNow();

        await PublishAsync(tenant, "shop-prod",
            Error("Disk /var/data is 97% full", at: now.AddMinutes(-3)),
            Error("Disk /var/data is 98% full", at: now.AddMinutes(-3)),
            Error("Disk /var/data is 99% full", at: now.AddMinutes(-1)),
            Error("Disk /var/data is 91% full", at: now.AddHours(-30)));

        var fingerprint = Assert.Single(await FingerprintsAsync(tenant, "shop-prod", f => f.Count == 1 && f[0].Count == 4));
        Assert.Equal([2L, 1L], fingerprint.PerMinute.Select(m => m.Count));
        Assert.Equal(now.AddHours(-30), fingerprint.FirstSeen);
    }

    [Fact]
    public async Task MetricsUpdateTheDeploymentsLatestValues()
    {
        var tenant = TestIds.Tenant();
        await RegisterAsync(tenant, "shop-prod");

        await PublishAsync(tenant, "shop-prod",
            new DiagnosticEvent { Kind = DiagnosticEventKind.Metric, Name = "memory.utilization", Value = 0.5, Timestamp = fixture.Time.GetUtcNow() },
            new DiagnosticEvent { Kind = DiagnosticEventKind.Metric, Name = "memory.utilization", Value = 0.93, Timestamp = fixture.Time.GetUtcNow() });

        var deployment = fixture.Client.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenant, "shop-prod"));
        var info = await Eventually.ReachAsync(deployment.GetAsync, d => d!.LatestMetrics.Count == 1);
        Assert.Equal(0.93, info!.LatestMetrics["memory.utilization"]);
    }

    private async Task RegisterAsync(string tenant, string deployment)
    {
        await fixture.Client.GetGrain<ITenantGrain>(tenant).CreateAsync(tenant);
        await fixture.Client.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenant, deployment))
            .RegisterAsync(new DeploymentSpec { Service = "shop", Environment = "prod", Capabilities = ["restart"] });
    }

    private Task PublishAsync(string tenant, string deployment, params DiagnosticEvent[] events) =>
        fixture.Client.GetStreamProvider(HealingStreams.ProviderName)
            .GetStream<DiagnosticBatch>(HealingStreams.Diagnostics(tenant, deployment))
            .OnNextAsync(new DiagnosticBatch { ReceivedAt = fixture.Time.GetUtcNow(), Events = events });

    private async Task<List<FingerprintInfo>> FingerprintsAsync(string tenant, string deployment, Func<List<FingerprintInfo>, bool> done) =>
        await Eventually.ReachAsync(
            async () =>
            {
                var ids = await fixture.Client.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenant, deployment)).GetFingerprintIdsAsync();
                var infos = await Task.WhenAll(ids.Select(id =>
                    fixture.Client.GetGrain<IFingerprintGrain>(FingerprintKey.Format(tenant, id)).GetAsync()));
                return infos.OfType<FingerprintInfo>().ToList();
            },
            done);

    private DiagnosticEvent Error(
        string message, string? exceptionType = null, string? stackTrace = null, string? version = null, DateTimeOffset? at = null) =>
        new()
        {
            Kind = DiagnosticEventKind.Error,
            Message = message,
            ExceptionType = exceptionType,
            StackTrace = stackTrace,
            Version = version,
            Timestamp = at ?? fixture.Time.GetUtcNow(),
        };
}
