using System.Security.Cryptography;
using System.Text;
using HealingGrains.Abstractions;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;

namespace HealingGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class FingerprintGroupingTests(ClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AfterAMergeNewEventsOfTheSourceLandOnTheTarget()
    {
        var tenant = await RegisterAsync();
        await PublishAsync(tenant,
            Error("Payment gateway returned 503 after 17 ms for order 119"),
            Error("Connection pool exhausted: 100 of 100 connections in use"));
        var both = await FingerprintsAsync(tenant, f => f.Count == 2);
        var payment = both.Single(f => f.Template.StartsWith("Payment", StringComparison.Ordinal));
        var pool = both.Single(f => f.Template.StartsWith("Connection", StringComparison.Ordinal));

        var result = await Grouping(tenant).MergeAsync(payment.Id, pool.Id, "admin:test", "one outage");

        Assert.Equal(GroupingStatus.Ok, result.Status);
        Assert.Equal(pool.Id, result.Fingerprint!.Id);
        Assert.Equal(2, result.Fingerprint.Count);
        Assert.Equal([payment.Id], result.Fingerprint.MergedFrom);

        await PublishAsync(tenant, Error("Payment gateway returned 503 after 99 ms for order 693"));

        var target = await Eventually.ReachAsync(() => Fingerprint(tenant, pool.Id).GetAsync(), f => f!.Count == 3);
        Assert.Equal(3, target!.Count);
        Assert.Equal(pool.Template, target.Template);
        var source = await Fingerprint(tenant, payment.Id).GetAsync();
        Assert.Equal(1, source!.Count);
        Assert.Equal(pool.Id, source.MergedInto);
    }

    [Fact]
    public async Task AfterASplitMatchingEventsLandOnTheNewFingerprintAndOthersStay()
    {
        var tenant = await RegisterAsync();
        await PublishAsync(tenant,
            Error("Disk full on node alpha after 12 writes"),
            Error("Disk full on node beta after 3 writes"));
        var source = Assert.Single(await FingerprintsAsync(tenant, f => f.Count == 1 && f[0].Count == 2));
        Assert.Equal("Disk full on node <*> after <*> writes", source.Template);

        var result = await Grouping(tenant).SplitAsync(source.Id, "Disk  full on node alpha\tafter <*> writes", "admin:test", "alpha has its own disk");

        Assert.Equal(GroupingStatus.Ok, result.Status);
        var split = result.Fingerprint!;
        Assert.Equal(ExpectedSplitId(source.Id, "Disk full on node alpha after <*> writes"), split.Id);
        Assert.Equal(0, split.Count);
        Assert.Equal(source.Id, split.SplitFrom);

        await PublishAsync(tenant,
            Error("Disk full on node alpha after 5 writes"),
            Error("Disk full on node beta after 9 writes"),
            Error("Disk full on node gamma after 1 writes"));

        var created = await Eventually.ReachAsync(() => Fingerprint(tenant, split.Id).GetAsync(), f => f!.Count == 1);
        Assert.Equal(1, created!.Count);
        Assert.Equal("Disk full on node alpha after <*> writes", created.Template);
        Assert.Equal(source.Id, created.SplitFrom);
        Assert.Equal(["shop-prod"], created.Deployments);
        var stayed = await Eventually.ReachAsync(() => Fingerprint(tenant, source.Id).GetAsync(), f => f!.Count == 4);
        Assert.Equal(4, stayed!.Count);
    }

    [Fact]
    public async Task SeveralSplitsOfOneFingerprintAreTriedInTheOrderTheyWereMade()
    {
        var tenant = TestIds.Tenant();
        var source = await SeedAsync(tenant, "Queue <*> is <*> full");
        var first = await Grouping(tenant).SplitAsync(source, "Queue orders is <*> full", "admin:test", null);
        var second = await Grouping(tenant).SplitAsync(source, "Queue <*> is completely full", "admin:test", null);

        var resolved = await Grouping(tenant).ResolveAsync([
            Query(source, "Queue orders is completely full"),
            Query(source, "Queue billing is completely full"),
            Query(source, "Queue billing is <*>% full"),
            Query(source, "Queue orders is completely full right now"),
        ]);

        Assert.Equal([first.Fingerprint!.Id, second.Fingerprint!.Id, source, source], resolved.Select(r => r.FingerprintId));
        Assert.Equal(["Queue orders is <*> full", "Queue <*> is completely full", null, null], resolved.Select(r => r.Template));
    }

    [Fact]
    public async Task ASplitOffFingerprintCanBeSplitAgainAndItsMergesFollow()
    {
        var tenant = TestIds.Tenant();
        var source = await SeedAsync(tenant, "Queue <*> is <*> full");
        var target = await SeedAsync(tenant, "Queue billing is stuck");
        var orders = (await Grouping(tenant).SplitAsync(source, "Queue orders is <*> full", "admin:test", null)).Fingerprint!.Id;
        var ordersAlmost = (await Grouping(tenant).SplitAsync(orders, "Queue orders is completely full", "admin:test", null)).Fingerprint!;
        await Grouping(tenant).MergeAsync(ordersAlmost.Id, target, "admin:test", null);

        var resolved = await Grouping(tenant).ResolveAsync([Query(source, "Queue orders is completely full"), Query(source, "Queue orders is <*>% full")]);

        Assert.Equal(orders, ordersAlmost.SplitFrom);
        Assert.Equal([target, orders], resolved.Select(r => r.FingerprintId));
        Assert.Equal([true, false], resolved.Select(r => r.Merged));
        Assert.Equal("Queue orders is <*> full", resolved[1].Template);
    }

    [Fact]
    public async Task MergeChainsResolveToTheLastTargetAndCyclesAreRefused()
    {
        var tenant = TestIds.Tenant();
        var a = await SeedAsync(tenant, "Alpha failed");
        var b = await SeedAsync(tenant, "Beta failed");
        var c = await SeedAsync(tenant, "Gamma failed");
        var grouping = Grouping(tenant);

        Assert.Equal(GroupingStatus.Ok, (await grouping.MergeAsync(a, b, "admin:test", null)).Status);
        Assert.Equal(GroupingStatus.Ok, (await grouping.MergeAsync(b, c, "admin:test", null)).Status);

        var cycle = await grouping.MergeAsync(c, a, "admin:test", null);
        Assert.Equal(GroupingStatus.Conflict, cycle.Status);
        Assert.Contains("cycle", cycle.Problem, StringComparison.Ordinal);
        Assert.Equal(GroupingStatus.Conflict, (await grouping.MergeAsync(a, c, "admin:test", null)).Status);
        Assert.Equal(GroupingStatus.Invalid, (await grouping.MergeAsync(c, c, "admin:test", null)).Status);
        Assert.Equal(GroupingStatus.NotFound, (await grouping.MergeAsync(c, "0123456789abcdef", "admin:test", null)).Status);

        var resolved = await grouping.ResolveAsync([Query(a, "Alpha failed"), Query(b, "Beta failed"), Query(c, "Gamma failed")]);
        Assert.Equal([c, c, c], resolved.Select(r => r.FingerprintId));
        Assert.Equal([true, true, false], resolved.Select(r => r.Merged));
        var target = await Fingerprint(tenant, c).GetAsync();
        Assert.Equal(3, target!.Count);
        Assert.Equal(2, (await grouping.GetAsync()).Merges.Count);
    }

    [Fact]
    public async Task AMergedFingerprintCannotBeSplitNorTheSameSplitMadeTwice()
    {
        var tenant = TestIds.Tenant();
        var a = await SeedAsync(tenant, "Alpha failed on <*>");
        var b = await SeedAsync(tenant, "Beta failed on <*>");
        var grouping = Grouping(tenant);

        Assert.Equal(GroupingStatus.Ok, (await grouping.SplitAsync(b, "Beta failed on db", "admin:test", null)).Status);
        Assert.Equal(GroupingStatus.Conflict, (await grouping.SplitAsync(b, "Beta  failed on db ", "admin:test", null)).Status);
        Assert.Equal(GroupingStatus.Invalid, (await grouping.SplitAsync(b, "<*> <*>", "admin:test", null)).Status);
        Assert.Equal(GroupingStatus.Ok, (await grouping.MergeAsync(a, b, "admin:test", null)).Status);
        Assert.Equal(GroupingStatus.Conflict, (await grouping.SplitAsync(a, "Alpha failed on db", "admin:test", null)).Status);
    }

    [Fact]
    public async Task DecisionsSurviveDeactivation()
    {
        var tenant = TestIds.Tenant();
        var a = await SeedAsync(tenant, "Alpha failed on <*>");
        var b = await SeedAsync(tenant, "Beta failed on <*>");
        var grouping = Grouping(tenant);
        await grouping.MergeAsync(a, b, "admin:test", "same bug");
        var split = (await grouping.SplitAsync(b, "Beta failed on db", "admin:test", "db is different")).Fingerprint!.Id;

        await grouping.Cast<IGrainManagementExtension>().DeactivateOnIdle(Ct);
        await Fingerprint(tenant, a).Cast<IGrainManagementExtension>().DeactivateOnIdle(Ct);
        await Fingerprint(tenant, b).Cast<IGrainManagementExtension>().DeactivateOnIdle(Ct);

        var decisions = await grouping.GetAsync();
        var merge = Assert.Single(decisions.Merges);
        Assert.Equal((a, b, "admin:test", "same bug"), (merge.Fingerprint, merge.Into, merge.By, merge.Reason));
        Assert.Equal(fixture.Time.GetUtcNow(), merge.At);
        Assert.Equal("db is different", Assert.Single(decisions.Splits).Reason);
        var resolved = await grouping.ResolveAsync([Query(a, "Alpha failed on <*>"), Query(b, "Beta failed on db"), Query(b, "Beta failed on cache")]);
        Assert.Equal([b, split, b], resolved.Select(r => r.FingerprintId));
        Assert.Equal(b, (await Fingerprint(tenant, a).GetAsync())!.MergedInto);
        Assert.Equal(2, (await Fingerprint(tenant, b).GetAsync())!.Count);
    }

    private static string ExpectedSplitId(string source, string pattern) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"split\n{source}\n{pattern}")))[..16];

    private static GroupingQuery Query(string id, string masked) => new() { FingerprintId = id, MaskedText = masked };

    private IFingerprintGroupingGrain Grouping(string tenant) => fixture.Client.GetGrain<IFingerprintGroupingGrain>(tenant);

    private IFingerprintGrain Fingerprint(string tenant, string id) => fixture.Client.GetGrain<IFingerprintGrain>(FingerprintKey.Format(tenant, id));

    /// <summary>A fingerprint with one occurrence, recorded directly (as the classifier would).</summary>
    private async Task<string> SeedAsync(string tenant, string template)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        await Fingerprint(tenant, id).RecordAsync(new FingerprintObservation
        {
            Deployment = "shop-prod",
            Template = template,
            SampleMessage = template,
            OccurredAt = [fixture.Time.GetUtcNow()],
        });
        return id;
    }

    private async Task<string> RegisterAsync()
    {
        var tenant = TestIds.Tenant();
        await fixture.Client.GetGrain<ITenantGrain>(tenant).CreateAsync(tenant);
        await fixture.Client.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenant, "shop-prod"))
            .RegisterAsync(new DeploymentSpec { Service = "shop", Environment = "prod", Capabilities = ["restart"] });
        return tenant;
    }

    private Task PublishAsync(string tenant, params DiagnosticEvent[] events) =>
        fixture.Client.GetStreamProvider(HealingStreams.ProviderName)
            .GetStream<DiagnosticBatch>(HealingStreams.Diagnostics(tenant, "shop-prod"))
            .OnNextAsync(new DiagnosticBatch { ReceivedAt = fixture.Time.GetUtcNow(), Events = events });

    private async Task<List<FingerprintInfo>> FingerprintsAsync(string tenant, Func<List<FingerprintInfo>, bool> done) =>
        await Eventually.ReachAsync(
            async () =>
            {
                var ids = await fixture.Client.GetGrain<IDeploymentGrain>(DeploymentKey.Format(tenant, "shop-prod")).GetFingerprintIdsAsync();
                var infos = await Task.WhenAll(ids.Select(id => Fingerprint(tenant, id).GetAsync()));
                return infos.OfType<FingerprintInfo>().ToList();
            },
            done);

    private DiagnosticEvent Error(string message) => new()
    {
        Kind = DiagnosticEventKind.Error,
        Message = message,
        Timestamp = fixture.Time.GetUtcNow(),
    };
}
