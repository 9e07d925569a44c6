using HealingGrains.Core.Security;

namespace HealingGrains.Core.Tests;

public sealed class ApiKeysTests
{
    [Fact]
    public void ATenantKeyNamesItsTenant()
    {
        var key = ApiKeys.NewTenantKey("acme-2");

        Assert.StartsWith("hg_acme-2_", key, StringComparison.Ordinal);
        Assert.Equal("acme-2", ApiKeys.TryGetTenantId(key));
    }

    [Fact]
    public void KeysAreUniqueAndCarryAtLeast256BitsOfSecret()
    {
        var keys = Enumerable.Range(0, 100).Select(_ => ApiKeys.NewTenantKey("acme")).ToHashSet();

        Assert.Equal(100, keys.Count);
        Assert.All(keys, k => Assert.True(k.Length - "hg_acme_".Length >= 43));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bearer x")]
    [InlineData("hg_")]
    [InlineData("hg__secret")]
    [InlineData("hg_acme_")]
    [InlineData("hg_acme")]
    public void TextWithoutATenantKeysShapeHasNoTenant(string text) => Assert.Null(ApiKeys.TryGetTenantId(text));

    [Fact]
    public void HashesAreStableHexAndCompareExactly()
    {
        var hash = ApiKeys.Hash("hg_acme_secret");

        Assert.Equal(64, hash.Length);
        Assert.Equal(hash, ApiKeys.Hash("hg_acme_secret"));
        Assert.True(ApiKeys.HashesEqual(hash, ApiKeys.Hash("hg_acme_secret")));
        Assert.False(ApiKeys.HashesEqual(hash, ApiKeys.Hash("hg_acme_secreT")));
        Assert.DoesNotContain("secret", hash, StringComparison.Ordinal);
    }
}
