using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Core.Security;

namespace HealingGrains.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class TenantGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task CreatesATenantOnceAndIssuesKeysOfEachKind()
    {
        var id = TestIds.Tenant();
        var tenant = fixture.Client.GetGrain<ITenantGrain>(id);

        var keys = await tenant.CreateAsync("Acme");
        var again = await tenant.CreateAsync("Acme again");

        Assert.NotNull(keys);
        Assert.Null(again);
        Assert.Equal(id, ApiKeys.TryGetTenantId(keys.AdminKey));
        Assert.Equal(ApiKeyKind.Admin, await tenant.AuthenticateAsync(ApiKeys.Hash(keys.AdminKey)));
        Assert.Equal(ApiKeyKind.Ingest, await tenant.AuthenticateAsync(ApiKeys.Hash(keys.IngestKey)));
        Assert.Null(await tenant.AuthenticateAsync(ApiKeys.Hash(keys.AdminKey + "x")));
        Assert.Equal("Acme", (await tenant.GetAsync())!.Name);
    }

    [Fact]
    public async Task StoresOnlyHashesAndKeepsThemAcrossActivations()
    {
        var tenant = fixture.Client.GetGrain<ITenantGrain>(TestIds.Tenant());
        var keys = (await tenant.CreateAsync("Acme"))!;

        await tenant.Cast<IGrainManagementExtension>().DeactivateOnIdle(TestContext.Current.CancellationToken);

        Assert.Equal(ApiKeyKind.Ingest, await tenant.AuthenticateAsync(ApiKeys.Hash(keys.IngestKey)));
        Assert.Null(await tenant.AuthenticateAsync(keys.IngestKey));
    }

    [Fact]
    public async Task RotatingKeysRevokesTheOldOnes()
    {
        var tenant = fixture.Client.GetGrain<ITenantGrain>(TestIds.Tenant());
        var old = (await tenant.CreateAsync("Acme"))!;

        var fresh = await tenant.RotateKeysAsync();

        Assert.Null(await tenant.AuthenticateAsync(ApiKeys.Hash(old.AdminKey)));
        Assert.Null(await tenant.AuthenticateAsync(ApiKeys.Hash(old.IngestKey)));
        Assert.Equal(ApiKeyKind.Admin, await tenant.AuthenticateAsync(ApiKeys.Hash(fresh.AdminKey)));
    }

    [Fact]
    public async Task AnUnknownTenantAuthenticatesNothing()
    {
        var tenant = fixture.Client.GetGrain<ITenantGrain>(TestIds.Tenant());

        Assert.Null(await tenant.GetAsync());
        Assert.Null(await tenant.AuthenticateAsync(ApiKeys.Hash("hg_nobody_secret")));
    }
}
