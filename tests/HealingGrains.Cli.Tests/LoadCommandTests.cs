using System.CommandLine;
using System.Text.Json;
using HealingGrains.Cli.Commands;
using HealingGrains.Silo.Hosting;

namespace HealingGrains.Cli.Tests;

/// <summary><c>hg load</c> against a real host: it creates its tenants, sends, probes, reports, and measures the host's CPU.</summary>
[Collection(SimulationCollection.Name)]
public sealed class LoadCommandTests
{
    [Fact]
    public async Task ALoadReportsAcceptedEventsLatenciesProbesAndServerCpu()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await EmbeddedHost.StartAsync(3, ct);
        var json = Path.Combine(Directory.CreateTempSubdirectory("hg-load-").FullName, "load.json");
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await HgCommand.InvokeAsync(
            ["load", "--url", host.Address.ToString(), "--operator-key", host.OperatorKey, "--tenants", "2", "--deployments", "2",
                "--batch", "10", "--connections", "2", "--rate", "400", "--duration", "00:00:03", "--server-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--json", json],
            new InvocationConfiguration { Output = output, Error = error }, ct);

        Assert.True(exit == ExitCodes.Ok, error.ToString());
        Assert.Contains("hg load:", error.ToString(), StringComparison.Ordinal);
        using var result = JsonDocument.Parse(await File.ReadAllTextAsync(json, ct));
        var root = result.RootElement;
        var accepted = root.GetProperty("accepted").GetInt64();
        Assert.InRange(accepted, 100, 2_000);
        Assert.Equal(0, root.GetProperty("failed").GetInt64());
        Assert.True(root.GetProperty("probes").GetInt32() >= 1);
        Assert.True(root.GetProperty("ingestToFingerprintP50Ms").GetDouble() > 0);
        Assert.True(root.GetProperty("ackP99Ms").GetDouble() >= root.GetProperty("ackP50Ms").GetDouble());
        Assert.True(root.GetProperty("serverCpuSecondsPerEvent").GetDouble() > 0);

        // The summary a person reads says the same.
        Assert.Contains($"{accepted:N0} events accepted", output.ToString(), StringComparison.Ordinal);

        var usage = await HgCommand.InvokeAsync(["load", "--url", host.Address.ToString(), "--operator-key", "x", "--batch", "5000"], new InvocationConfiguration { Output = output, Error = error }, ct);
        Assert.Equal(ExitCodes.Usage, usage);
        Assert.Contains("--batch must be from 1 to 1,000", error.ToString(), StringComparison.Ordinal);
    }
}
