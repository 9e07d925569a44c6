
namespace HealingGrains.Silo.Tests;

/// <summary>The operator key when none is configured on the embedded default.</summary>
public sealed class OperatorKeyTests
{
    [Fact]
    public async Task OneIsGeneratedOnFirstStartWrittenOnceForItsOwnerAndStoredHashed()
    {
        var data = HealingHost.NewDataDirectory();
        var file = Path.Combine(data, "operator.key");
        string key;

        await using (var first = new HealingHost(data, operatorKey: null))
        {
            _ = first.Server;
            key = (await File.ReadAllTextAsync(file, Api.Ct)).Trim();
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            Assert.Equal(HttpStatusCode.Created,
                (await first.ClientWithKey(key).PostAsJsonAsync("/api/v1/tenants", new { id = "first", name = "First" }, Api.Ct)).StatusCode);
        }

        // The store holds only its hash.
        var database = await File.ReadAllBytesAsync(Path.Combine(data, "healinggrains.db"), Api.Ct);
        Assert.DoesNotContain(key, System.Text.Encoding.UTF8.GetString(database), StringComparison.Ordinal);

        // A second start keeps the key and does not write the file again.
        var written = File.GetLastWriteTimeUtc(file);
        await using var second = new HealingHost(data, operatorKey: null);
        Assert.Equal(HttpStatusCode.Created,
            (await second.ClientWithKey(key).PostAsJsonAsync("/api/v1/tenants", new { id = "second", name = "Second" }, Api.Ct)).StatusCode);
        Assert.Equal(written, File.GetLastWriteTimeUtc(file));
        Assert.Equal(key, (await File.ReadAllTextAsync(file, Api.Ct)).Trim());
    }

    [Fact]
    public async Task AConfiguredKeyIsUsedAndNoFileIsWritten()
    {
        var data = HealingHost.NewDataDirectory();
        const string configured = "configured-operator-key-0123456789abcdefghij";

        await using var host = new HealingHost(data, configured);

        Assert.Equal(HttpStatusCode.Created,
            (await host.ClientWithKey(configured).PostAsJsonAsync("/api/v1/tenants", new { id = "acme", name = "Acme" }, Api.Ct)).StatusCode);
        Assert.False(File.Exists(Path.Combine(data, "operator.key")));
    }

    [Fact]
    public async Task AShortConfiguredKeyFailsTheStartWithAMessageThatSaysHowToFixIt()
    {
        await using var host = new HealingHost(HealingHost.NewDataDirectory(), "short");

        var error = Assert.ThrowsAny<Exception>(() => host.Server);

        Assert.Contains("HealingGrains:Bootstrap:OperatorKey", error.ToString(), StringComparison.Ordinal);
    }
}
