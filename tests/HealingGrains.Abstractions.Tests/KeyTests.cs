using HealingGrains.Abstractions.Keys;

namespace HealingGrains.Abstractions.Tests;

public sealed class KeyTests
{
    [Fact]
    public void ADeploymentKeyRoundTrips()
    {
        var key = DeploymentKey.Format("acme", "checkout-prod.eu_1");

        Assert.Equal("acme/checkout-prod.eu_1", key);
        Assert.Equal(("acme", "checkout-prod.eu_1"), DeploymentKey.Parse(key));
    }

    [Fact]
    public void AFingerprintKeyRoundTrips()
    {
        var key = FingerprintKey.Format("acme", "3f9a0c1d2e4b5a69");

        Assert.Equal(("acme", "3f9a0c1d2e4b5a69"), FingerprintKey.Parse(key));
    }

    [Theory]
    [InlineData("Acme", "prod")]
    [InlineData("acme/x", "prod")]
    [InlineData("acme", "prod/eu")]
    [InlineData("acme", "")]
    [InlineData("-acme", "prod")]
    public void RefusesNamesThatWouldBreakTheKey(string tenant, string deployment) =>
        Assert.Throws<ArgumentException>(() => DeploymentKey.Format(tenant, deployment));

    [Theory]
    [InlineData("acme")]
    [InlineData("/prod")]
    [InlineData("acme/")]
    [InlineData("acme/prod/eu")]
    public void RefusesToParseWhatIsNotADeploymentKey(string key) =>
        Assert.Throws<FormatException>(() => DeploymentKey.Parse(key));

    [Theory]
    [InlineData("3F9A0C1D2E4B5A69")]
    [InlineData("3f9a0c1d2e4b5a6")]
    [InlineData("3f9a0c1d2e4b5a69a")]
    [InlineData("3f9a0c1d2e4b5a6g")]
    public void FingerprintIdsAreSixteenLowercaseHexDigits(string id) =>
        Assert.False(ResourceNames.IsValidFingerprintId(id));

    [Fact]
    public void TenantIdsFollowDnsLabelRules()
    {
        Assert.True(ResourceNames.IsValidTenantId("a"));
        Assert.True(ResourceNames.IsValidTenantId("acme-corp-2"));
        Assert.False(ResourceNames.IsValidTenantId("acme-"));
        Assert.False(ResourceNames.IsValidTenantId(new string('a', 64)));
        Assert.False(ResourceNames.IsValidTenantId(null));
    }

    [Fact]
    public void TheDiagnosticsStreamIsKeyedByTenantAndDeployment()
    {
        var id = HealingStreams.Diagnostics("acme", "checkout-prod");

        Assert.Equal(HealingStreams.DiagnosticsNamespace, id.GetNamespace());
        Assert.Equal("acme/checkout-prod", id.GetKeyAsString());
    }
}
