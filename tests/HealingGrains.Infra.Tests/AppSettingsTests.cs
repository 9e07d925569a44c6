using System.Reflection;
using System.Text.Json.Nodes;
using HealingGrains.Silo.Configuration;
using Microsoft.Extensions.Configuration;

namespace HealingGrains.Infra.Tests;

/// <summary>
/// The settings the host needs in Azure are exactly what infra sets on the container app: plain values that are also
/// outputs of main.bicep under the same names, and secrets that are Key Vault references resolved by the app's identity.
/// </summary>
public sealed class AppSettingsTests
{
    // What a value made by Azure at deployment time looks like, so the host's own validator can judge the set.
    private static readonly Dictionary<string, string> SampleOfDeploymentValue = new(StringComparer.Ordinal)
    {
        ["HealingGrains__Storage__ServiceUri"] = "https://sthealing.table.core.windows.net/",
        ["HealingGrains__Streams__ServiceUri"] = "https://sthealing.queue.core.windows.net/",
        ["AZURE_CLIENT_ID"] = "00000000-0000-0000-0000-000000000001",
        ["ASPNETCORE_URLS"] = "http://+:8080",
    };

    // Settings of HealingGrainsOptions that infra leaves at their defaults, and why that is right in Azure. A new
    // setting must be added here or to bicep/silo-app.bicep: nothing is forgotten silently.
    private static readonly Dictionary<string, string> KeptAtDefault = new(StringComparer.Ordinal)
    {
        ["HealingGrains:DataDirectory"] = "nothing is written there: storage is AzureTable and the operator key is configured",
        ["HealingGrains:Storage:ConnectionString"] = "connection strings need shared keys, which the account refuses; ServiceUri with the identity instead",
        ["HealingGrains:Storage:TablePrefix"] = "the account belongs to this installation alone",
        ["HealingGrains:Storage:NetworkTimeout"] = "3 s per attempt: Azure answers single-entity and queue operations in milliseconds, and a request waits at most about two attempts before it is 503",
        ["HealingGrains:Storage:MaxRetries"] = "one retry rides out a dropped connection; a longer outage is 503 with Retry-After, and clients retry",
        ["HealingGrains:Clustering:SiloPort"] = "11111 inside each replica; peers reach it at the replica's own address",
        ["HealingGrains:Clustering:GatewayPort"] = "30000 inside each replica; no external Orleans client connects",
        ["HealingGrains:Clustering:ClusterId"] = "one cluster per environment, and the Redis database is the environment's own",
        ["HealingGrains:Clustering:ServiceId"] = "storage is keyed by it: the default stays stable across deployments",
        ["HealingGrains:Portal:Oidc:Authority"] = "Entra ID sign-in is optional; local accounts work without it",
        ["HealingGrains:Portal:Oidc:ClientId"] = "only with an authority",
        ["HealingGrains:Portal:Oidc:ClientSecret"] = "only with an authority, and then as a Key Vault reference",
        ["HealingGrains:Portal:Oidc:TenantClaim"] = "only with an authority",
        ["HealingGrains:Portal:Oidc:AdminRole"] = "only with an authority",
        ["HealingGrains:Healing:RandomSeed"] = "exploration is random in production",
        ["HealingGrains:Streams:ConnectionString"] = "connection strings need shared keys, which the account refuses; ServiceUri with the identity instead",
        ["HealingGrains:Streams:QueuePrefix"] = "the account belongs to this installation alone",
        ["HealingGrains:Streams:QueueCount"] = "8 queues spread the load of a few replicas; the count must stay stable while messages wait",
        ["HealingGrains:Streams:VisibilityTimeout"] = "30 s: longer than a batch's delivery, short enough to recover a dead replica's messages quickly",
        ["HealingGrains:Streams:ReadInterval"] = "the memory stream's alone: Azure runs the durable queue stream",
    };

    [Fact]
    public async Task TheHostsOwnValidatorAcceptsWhatInfraSets()
    {
        var settings = await AppEnvironmentAsync();
        var configuration = Configure(settings);

        var options = configuration.GetSection(HealingGrainsOptions.Section).Get<HealingGrainsOptions>() ?? new HealingGrainsOptions();
        var result = new HealingGrainsOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, string.Join("\n", result.Failures ?? []));
        Assert.Equal("AzureTable", options.Storage.Provider);
        Assert.Equal("Redis", options.Clustering.Provider);
        Assert.Equal("AzureQueue", options.Streams.Provider);
        Assert.NotNull(options.Streams.ServiceUri);
        Assert.NotNull(options.Storage.ServiceUri);
        Assert.False(string.IsNullOrEmpty(options.Clustering.ConnectionString));
        Assert.False(string.IsNullOrEmpty(options.Bootstrap.OperatorKey));
    }

    [Fact]
    public async Task EverySettingOfTheHostIsEitherSetByInfraOrKeptAtItsDefaultForAReason()
    {
        var provided = (await AppEnvironmentAsync()).Keys.Select(k => k.Replace("__", ":", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var settings = Leaves(typeof(HealingGrainsOptions), HealingGrainsOptions.Section).ToList();

        var undecided = settings.Where(s => !provided.Contains(s) && !KeptAtDefault.ContainsKey(s)).ToList();
        Assert.True(undecided.Count == 0, $"set these in bicep/silo-app.bicep or say in {nameof(KeptAtDefault)} why the default is right in Azure: {string.Join(", ", undecided)}");
        Assert.All(KeptAtDefault.Keys, s => Assert.Contains(s, settings));
        Assert.All(KeptAtDefault.Keys, s => Assert.DoesNotContain(s, provided));
    }

    [Fact]
    public async Task PlainSettingsAreOutputsOfMainUnderTheSameNamesAndValues()
    {
        var main = await Bicep.MainTemplateAsync();
        var silo = ArmTemplate.Module(main, "silo");
        var plain = Env(main).Where(e => e["value"] is not null).ToList();
        var mainOutputs = ArmTemplate.Outputs(main);
        var siloOutputs = ArmTemplate.Outputs(silo);

        Assert.NotEmpty(plain);
        foreach (var variable in plain)
        {
            var name = variable["name"]!.ToString();
            Assert.True(siloOutputs.ContainsKey(name), $"bicep/silo-app.bicep has no output {name}");
            Assert.Equal(variable["value"]!.ToString(), siloOutputs[name]!["value"]!.ToString());
            Assert.True(mainOutputs.ContainsKey(name), $"infra/main.bicep has no output {name}");
            Assert.EndsWith($"'silo'), '2025-04-01').outputs.{name}.value]", mainOutputs[name]!["value"]!.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SecretsAreKeyVaultReferencesResolvedByTheAppsIdentityAndNeverPlainValues()
    {
        var main = await Bicep.MainTemplateAsync();
        var app = ArmTemplate.Single(main, "Microsoft.App/containerApps").Properties;
        var secrets = app["configuration"]!["secrets"]!.AsArray().Select(s => s!.AsObject()).ToDictionary(s => s["name"]!.ToString());
        var secretEnv = Env(main).Where(e => e["secretRef"] is not null).ToDictionary(e => e["name"]!.ToString(), e => e["secretRef"]!.ToString());

        Assert.Equal("operator-key", secretEnv["HealingGrains__Bootstrap__OperatorKey"]);
        Assert.Equal("redis-connection-string", secretEnv["HealingGrains__Clustering__ConnectionString"]);
        Assert.Equal(secretEnv.Values.Order(StringComparer.Ordinal), secrets.Keys.Order(StringComparer.Ordinal));
        foreach (var secret in secrets.Values)
        {
            Assert.Null(secret["value"]);
            Assert.Equal("[parameters('identityId')]", secret["identity"]!.ToString());
            Assert.StartsWith("[parameters('", secret["keyVaultUrl"]!.ToString(), StringComparison.Ordinal);
        }

        var given = ArmTemplate.ModuleParameters(main, "silo");
        Assert.Contains("'key-vault'), '2025-04-01').outputs.operatorKeySecretUri.value", given["operatorKeySecretUri"]!["value"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("'redis'), '2025-04-01').outputs.connectionStringSecretUri.value", given["redisConnectionStringSecretUri"]!["value"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("'identity'), '2025-04-01').outputs.id.value", given["identityId"]!["value"]!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ArmTemplate.Outputs(main), o => o.Key.Contains("OperatorKey", StringComparison.OrdinalIgnoreCase) || o.Key.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task DeploymentValuesComeFromTheResourcesTheyDescribe()
    {
        var main = await Bicep.MainTemplateAsync();
        var given = ArmTemplate.ModuleParameters(main, "silo");
        var env = Env(main).Where(e => e["value"] is not null).ToDictionary(e => e["name"]!.ToString(), e => e["value"]!.ToString());
        var app = ArmTemplate.Single(main, "Microsoft.App/containerApps").Properties;
        var silo = ArmTemplate.Module(main, "silo");

        Assert.Equal("[parameters('tableEndpoint')]", env["HealingGrains__Storage__ServiceUri"]);
        Assert.Contains("'storage'), '2025-04-01').outputs.tableEndpoint.value", given["tableEndpoint"]!["value"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("primaryEndpoints.table", ArmTemplate.Outputs(ArmTemplate.Module(main, "storage"))["tableEndpoint"]!["value"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("[parameters('identityClientId')]", env["AZURE_CLIENT_ID"]);
        Assert.Contains("'identity'), '2025-04-01').outputs.clientId.value", given["identityClientId"]!["value"]!.ToString(), StringComparison.Ordinal);
        // Kestrel listens where ingress sends: one port, one variable.
        Assert.Equal("[variables('httpPort')]", app["configuration"]!["ingress"]!["targetPort"]!.ToString());
        Assert.Equal("[format('http://+:{0}', variables('httpPort'))]", env["ASPNETCORE_URLS"]);
        Assert.Equal(8080, silo["variables"]!["httpPort"]!.GetValue<int>());
    }

    [Fact]
    public void AutoAdvertisesAnAddressOfThisMachineThatIsNotLoopback()
    {
        var address = new ClusteringSettings { AdvertisedAddress = ClusteringSettings.AutoAddress }.ResolveAdvertisedAddress();

        Assert.NotNull(address);
        Assert.False(System.Net.IPAddress.IsLoopback(address));
        Assert.Contains(address, System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(u => u.Address));
        Assert.Null(new ClusteringSettings { AdvertisedAddress = "silo-1" }.ResolveAdvertisedAddress());
    }

    /// <summary>The container's environment variables as a configuration, with samples for values Azure makes.</summary>
    private static IConfiguration Configure(IReadOnlyDictionary<string, string> settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)))
            .Build();

    private static async Task<Dictionary<string, string>> AppEnvironmentAsync()
    {
        var main = await Bicep.MainTemplateAsync();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in Env(main))
        {
            var name = variable["name"]!.ToString();
            if (variable["secretRef"] is not null)
            {
                // A Key Vault secret; its value is made at deployment (the operator key is 48 generated characters).
                values[name] = new string('k', 48);
                continue;
            }

            var value = variable["value"]!.ToString();
            if (value.StartsWith('['))
            {
                Assert.True(SampleOfDeploymentValue.TryGetValue(name, out var sample), $"{name} is set at deployment ({value}): add a sample of it");
                value = sample;
            }

            values[name] = value;
        }

        return values;
    }

    private static IEnumerable<JsonObject> Env(JsonObject main) =>
        ArmTemplate.Single(main, "Microsoft.App/containerApps").Properties["template"]!["containers"]!.AsArray()
            .Single()!["env"]!.AsArray().Select(e => e!.AsObject());

    /// <summary>Configuration keys of every settable leaf property under <paramref name="prefix"/>.</summary>
    private static IEnumerable<string> Leaves(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsClass && propertyType != typeof(string) && propertyType != typeof(Uri))
            {
                foreach (var leaf in Leaves(propertyType, key))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return key;
            }
        }
    }
}
