namespace HealingGrains.Storage.Tests;

public sealed class RowKeysTests
{
    [Theory]
    [InlineData("tenant/acme")]
    [InlineData("a\\b#c?d~e")]
    [InlineData("~0041")]
    [InlineData("line\nbreak")]
    [InlineData("plain")]
    public void EscapingMakesAValidKeyAndIsReversible(string value)
    {
        var key = RowKeys.Escape(value);

        RowKeys.ValidateKey(key, "key");
        Assert.Equal(value, RowKeys.Unescape(key));
    }

    [Fact]
    public void EscapingLeavesOrdinaryKeysAsTheyAre() => Assert.Equal("acme-prod_1.x", RowKeys.Escape("acme-prod_1.x"));

    [Fact]
    public void KeysLongerThan1KiBAreRefused() =>
        Assert.Throws<ArgumentException>(() => RowKeys.ValidateKey(new string('k', RowKeys.MaxKeyLength + 1), "key"));
}
