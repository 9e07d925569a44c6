using HealingGrains.Core.Fingerprinting;

namespace HealingGrains.Core.Tests;

public sealed class VariableMaskerTests
{
    [Theory]
    [InlineData("Timeout after 30000 ms", "Timeout after <*> ms")]
    [InlineData("balance is -12.50 EUR", "balance is <*> EUR")]
    [InlineData("pointer 0x7ffd5a2c1e40 freed twice", "pointer <*> freed twice")]
    [InlineData("commit 9f1c2ab3 failed", "commit <*> failed")]
    [InlineData("order 3f2504e0-4f89-11d3-9a0c-0305e82c3301 not found", "order <*> not found")]
    [InlineData("calling payments at 10.0.3.7:443", "calling payments at <*>")]
    [InlineData("peer 192.168.1.20 refused", "peer <*> refused")]
    [InlineData("listening on [2001:db8::1]:8080 and fe80:0:0:0:200:f8ff:fe21:67cf", "listening on <*> and <*>")]
    [InlineData("GET https://api.example.com/v1/orders?id=7 failed", "GET <*> failed")]
    [InlineData("cannot open /var/lib/app/data/orders.db", "cannot open <*>")]
    [InlineData(@"cannot open C:\data\app\orders.db", "cannot open <*>")]
    [InlineData("mail to jane.doe+ops@example.co.uk bounced", "mail to <*> bounced")]
    [InlineData("key 'orders' missing", "key <*> missing")]
    [InlineData("user \"alice\" locked", "user <*> locked")]
    [InlineData("at 2026-11-24T10:00:00.123Z the job failed", "at <*> the job failed")]
    [InlineData("at 2026-11-24 10:00:00,123 the job failed", "at <*> the job failed")]
    [InlineData("started 10:04:55 done", "started <*> done")]
    [InlineData("blk_-6330812010936261924 replicated", "<*> replicated")]
    [InlineData("connection from troi.bluesky-technologies.com closed", "connection from <*> closed")]
    [InlineData("status changed: FF:F2:9F:16:E2:23 at Fri Jul 01 08:16:53 PDT 2005", "status changed: <*> at <*>")]
    [InlineData("Error loading ./runtime_malloc: invalid program image", "Error loading <*>: invalid program image")]
    [InlineData("chdir(/p/gb2/glosli/t800) failed", "chdir(<*>) failed")]
    [InlineData("lock=233570404, flags=0x1, uid=10037", "lock=<*>, flags=<*>, uid=<*>")]
    public void MasksEachKindOfVariable(string message, string expected) => Assert.Equal(expected, VariableMasker.Mask(message));

    [Theory]
    [InlineData("Connection refused")]
    [InlineData("NullReferenceException in face detection: add a bead")]
    [InlineData("Payment declined by issuer")]
    [InlineData("user=root session closed")]
    [InlineData("May I have a word")]
    [InlineData("java.lang.IllegalStateException: state=RUNNING")]
    public void LeavesWordsAlone(string message) => Assert.Equal(message, VariableMasker.Mask(message));

    [Fact]
    public void AdjacentVariablesCollapseIntoOne() => Assert.Equal("took <*> total", VariableMasker.Mask("took 12.5.7 total"));

    [Fact]
    public void TryMaskWritesWhatMaskReturnsAndRefusesADestinationTooSmall()
    {
        const string message = "lock=233570404, flags=0x1, uid=7";
        var expected = VariableMasker.Mask(message);
        var destination = new char[expected.Length];

        Assert.True(VariableMasker.TryMask(message, destination, out var written));
        Assert.Equal(expected, new string(destination, 0, written));

        // "7" becomes "<*>": the masked text can be longer than the message.
        Assert.False(VariableMasker.TryMask("uid 7", new char[5], out written));
        Assert.Equal(0, written);
    }
}
