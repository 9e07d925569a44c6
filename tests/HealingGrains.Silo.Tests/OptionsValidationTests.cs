using HealingGrains.Silo.Configuration;

namespace HealingGrains.Silo.Tests;

public sealed class OptionsValidationTests
{
    private static IEnumerable<string> Failures(Action<HealingGrainsOptions> change)
    {
        var options = new HealingGrainsOptions();
        change(options);
        return new HealingGrainsOptionsValidator().Validate(null, options).Failures ?? [];
    }

    [Fact]
    public void TheEmbeddedDefaultIsValid() => Assert.Empty(Failures(_ => { }));

    [Fact]
    public void PredictionSettingsOutOfRangeSayWhichAndHow()
    {
        var validator = new PredictionOptionsValidator();

        Assert.True(validator.Validate(null, new Core.Prediction.PredictionOptions()).Succeeded);
        var failed = validator.Validate(null, new Core.Prediction.PredictionOptions { WindowPoints = 8, Horizon = TimeSpan.FromMinutes(-1) });
        Assert.Contains(failed.Failures!, f => f.StartsWith("HealingGrains:Prediction:WindowPoints must be from 16 to 4096", StringComparison.Ordinal));
        Assert.Contains(failed.Failures!, f => f.StartsWith("HealingGrains:Prediction:Horizon", StringComparison.Ordinal));
    }

    [Fact]
    public void FederationSettingsOutOfRangeSayWhichAndHowWithoutQuotingAKey()
    {
        var validator = new FederationSettingsValidator();
        Assert.True(validator.Validate(null, new Grains.Federation.FederationSettings()).Succeeded);

        using var rsa = System.Security.Cryptography.RSA.Create();
        var failed = validator.Validate(null, new Grains.Federation.FederationSettings
        {
            Key = "c2hvcnQ=",
            Epsilon = 0,
            MinimumContributors = 1,
            CapPerContributor = 5,
            SigningKey = rsa.ExportPkcs8PrivateKeyPem(),
            TrustedKeys = ["not-a-key"],
        }).Failures!.ToList();

        Assert.Contains(failed, f => f.StartsWith("HealingGrains:Federation:Key must be base64 of at least 16", StringComparison.Ordinal));
        Assert.Contains(failed, f => f.StartsWith("HealingGrains:Federation:Epsilon", StringComparison.Ordinal));
        Assert.Contains(failed, f => f.StartsWith("HealingGrains:Federation:MinimumContributors must be from 2", StringComparison.Ordinal));
        Assert.Contains(failed, f => f.StartsWith("HealingGrains:Federation:CapPerContributor", StringComparison.Ordinal));
        Assert.Contains(failed, f => f.StartsWith("HealingGrains:Federation:SigningKey must be an ECDSA", StringComparison.Ordinal));
        Assert.Contains(failed, f => f.StartsWith("HealingGrains:Federation:TrustedKeys:0", StringComparison.Ordinal));
        Assert.DoesNotContain(failed, f => f.Contains("c2hvcnQ=", StringComparison.Ordinal) || f.Contains("PRIVATE KEY", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://login.example.com/x/v2.0", "must be an absolute https URL")]
    [InlineData("not a url", "must be an absolute https URL")]
    public void AnOidcAuthorityMustBeHttps(string authority, string message) =>
        Assert.Contains(Failures(o => o.Portal.Oidc = new OidcSettings { Authority = authority, ClientId = "app" }), f => f.Contains(message, StringComparison.Ordinal));

    [Fact]
    public void AnOidcAuthorityNeedsAClientId() =>
        Assert.Contains(Failures(o => o.Portal.Oidc = new OidcSettings { Authority = "https://login.example.com/x/v2.0" }), f => f.Contains("ClientId is missing", StringComparison.Ordinal));

    [Theory]
    [InlineData("Redis", "HealingGrains:Storage:Provider")]
    public void AnUnknownStorageProviderSaysWhatToUse(string provider, string setting) =>
        Assert.Contains(Failures(o => o.Storage.Provider = provider), f => f.StartsWith(setting, StringComparison.Ordinal) && f.Contains("'Sqlite' (embedded default) or 'AzureTable'", StringComparison.Ordinal));

    [Fact]
    public void AzureTableStorageNeedsAConnectionStringOrAnHttpsServiceUri()
    {
        Assert.Contains(Failures(o => o.Storage.Provider = "AzureTable"), f => f.Contains("neither HealingGrains:Storage:ServiceUri", StringComparison.Ordinal));
        Assert.Contains(Failures(o =>
        {
            o.Storage.Provider = "AzureTable";
            o.Storage.ServiceUri = new Uri("http://account.table.core.windows.net");
        }), f => f.Contains("must be an absolute https URL", StringComparison.Ordinal));
        Assert.Empty(Failures(o =>
        {
            o.Storage.Provider = "AzureTable";
            o.Storage.ServiceUri = new Uri("https://account.table.core.windows.net");
        }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(0.5)]
    [InlineData(1500)]
    public void TheMemoryStreamsReadIntervalIsBetweenAMillisecondAndASecond(double milliseconds)
    {
        Assert.Contains(Failures(o => o.Streams.ReadInterval = TimeSpan.FromMilliseconds(milliseconds)), f => f.StartsWith("HealingGrains:Streams:ReadInterval", StringComparison.Ordinal));
        Assert.Empty(Failures(o => o.Streams.ReadInterval = TimeSpan.FromMilliseconds(1)));
        Assert.Empty(Failures(o => o.Streams.ReadInterval = TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task TheMemoryStreamsReadIntervalReachesItsPullingAgents()
    {
        await using var host = new HealingHost(HealingHost.NewDataDirectory(), HostFixture.OperatorKey, new Dictionary<string, string?>
        {
            ["HealingGrains:Streams:ReadInterval"] = "00:00:00.020",
        });

        var agents = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Orleans.Configuration.StreamPullingAgentOptions>>()
            .Get(Abstractions.HealingStreams.ProviderName);
        Assert.Equal(TimeSpan.FromMilliseconds(20), agents.GetQueueMsgsTimerPeriod);
    }

    // On one silo the diagnostics stream is the in-process one, with as many queues as configured.
    [Fact]
    public async Task TheStreamsQueueCountReachesTheInProcessStream()
    {
        await using var host = new HealingHost(HealingHost.NewDataDirectory(), HostFixture.OperatorKey, new Dictionary<string, string?>
        {
            ["HealingGrains:Streams:QueueCount"] = "3",
        });

        var factory = host.Services.GetRequiredKeyedService<Orleans.Streams.IQueueAdapterFactory>(Abstractions.HealingStreams.ProviderName);
        Assert.IsType<Storage.Queues.InProcessQueueStreamAdapterFactory>(factory);
        Assert.Equal(3, factory.GetStreamQueueMapper().GetAllQueues().Count());
    }

    [Fact]
    public void RedisClusteringNeedsAConnectionString()
    {
        Assert.Contains(Failures(o => o.Clustering.Provider = "Redis"), f => f.Contains("HealingGrains:Clustering:ConnectionString is empty", StringComparison.Ordinal));
        Assert.Contains(Failures(o =>
        {
            o.Clustering.Provider = "Redis";
            o.Clustering.ConnectionString = "127.0.0.1:6379";
            o.Clustering.AdvertisedAddress = "my-host";
        }), f => f.Contains("is not an IP address", StringComparison.Ordinal));
        Assert.Contains(Failures(o => o.Clustering.Provider = "Consul"), f => f.Contains("use 'Localhost' (embedded default) or 'Redis'", StringComparison.Ordinal));
    }

    [Fact]
    public void PortsMustDifferAndBeValid()
    {
        Assert.Contains(Failures(o => o.Clustering.GatewayPort = o.Clustering.SiloPort), f => f.Contains("different ports", StringComparison.Ordinal));
        Assert.Contains(Failures(o => o.Clustering.SiloPort = 70000), f => f.Contains("between 1 and 65535", StringComparison.Ordinal));
    }
}
