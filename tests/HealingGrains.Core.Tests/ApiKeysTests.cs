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

    // The stored hashes of existing keys must keep matching: SHA-256 of the key's UTF-8, lowercase hex, for keys of any length.
    [Theory]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    public void AKeysHashIsTheSha256OfItsUtf8InLowercaseHex(string key, string expected) => Assert.Equal(expected, ApiKeys.Hash(key));

    [Theory]
    [InlineData(10)]
    [InlineData(1024)]
    [InlineData(5000)]
    public void LongAndNonAsciiKeysHashLikeTheirBytes(int length)
    {
        var key = string.Concat(Enumerable.Repeat("é€", length / 2));

        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))),
            ApiKeys.Hash(key));
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
