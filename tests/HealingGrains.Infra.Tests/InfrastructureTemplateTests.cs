using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HealingGrains.Infra.Tests;

/// <summary>What infra/main.bicep deploys, read from the compiled ARM template.</summary>
public sealed partial class InfrastructureTemplateTests
{
    // Built-in role definition ids (the same in every Azure directory).
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    [Fact]
    public async Task DeploysAtSubscriptionScopeIntoOneResourceGroup()
    {
        var main = await Bicep.MainTemplateAsync();

        Assert.Contains("subscriptionDeploymentTemplate.json", main["$schema"]!.GetValue<string>(), StringComparison.Ordinal);
        var groups = ArmTemplate.Resources(main).Where(r => r.Type == "Microsoft.Resources/resourceGroups").ToList();
        Assert.Single(groups);
        Assert.All(
            ArmTemplate.Resources(main).Where(r => r.Module == "main" && r.Type == ArmTemplate.DeploymentType),
            m => Assert.Contains("format('rg-{0}', parameters('environmentName'))", m.Node["resourceGroup"]!.ToString(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Microsoft.OperationalInsights/workspaces")]
    [InlineData("Microsoft.Insights/components")]
    [InlineData("Microsoft.ContainerRegistry/registries")]
    [InlineData("Microsoft.App/managedEnvironments")]
    [InlineData("Microsoft.App/containerApps")]
    [InlineData("Microsoft.Storage/storageAccounts")]
    [InlineData("Microsoft.Storage/storageAccounts/tableServices")]
    [InlineData("Microsoft.Storage/storageAccounts/queueServices")]
    [InlineData("Microsoft.Cache/redisEnterprise")]
    [InlineData("Microsoft.Cache/redisEnterprise/databases")]
    [InlineData("Microsoft.KeyVault/vaults")]
    [InlineData("Microsoft.ManagedIdentity/userAssignedIdentities")]
    public async Task DeploysExactlyOne(string type)
    {
        var main = await Bicep.MainTemplateAsync();

        Assert.Single(ArmTemplate.Resources(main), r => r.Type == type);
    }

    [Fact]
    public async Task EveryResourceComesFromAModuleInTheBicepFolder()
    {
        var main = await Bicep.MainTemplateAsync();
        var source = await File.ReadAllTextAsync(Repository.PathOf("infra", "main.bicep"), TestContext.Current.CancellationToken);

        var modules = ModuleStatement().Matches(source).Select(m => m.Groups["path"].Value).ToList();
        Assert.NotEmpty(modules);
        Assert.All(modules, path => Assert.StartsWith("../bicep/", path, StringComparison.Ordinal));
        Assert.DoesNotContain(ArmTemplate.Resources(main), r => r.Module == "main" && r.Type is not ArmTemplate.DeploymentType and not "Microsoft.Resources/resourceGroups");
    }

    [Fact]
    public async Task StorageAllowsOnlyEntraIdOverTls12AndNoPublicBlobs()
    {
        var main = await Bicep.MainTemplateAsync();
        var account = ArmTemplate.Single(main, "Microsoft.Storage/storageAccounts").Properties;

        Assert.False(account["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(account["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.True(account["defaultToOAuthAuthentication"]!.GetValue<bool>());
        Assert.True(account["supportsHttpsTrafficOnly"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", account["minimumTlsVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task SecretsStoresAndRegistryRefuseKeysAndAnonymousAccess()
    {
        var main = await Bicep.MainTemplateAsync();

        var vault = ArmTemplate.Single(main, "Microsoft.KeyVault/vaults").Properties;
        Assert.True(vault["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.True(vault["enableSoftDelete"]!.GetValue<bool>());

        var registry = ArmTemplate.Single(main, "Microsoft.ContainerRegistry/registries").Properties;
        Assert.False(registry["adminUserEnabled"]!.GetValue<bool>());

        var redis = ArmTemplate.Single(main, "Microsoft.Cache/redisEnterprise").Properties;
        Assert.Equal("1.2", redis["minimumTlsVersion"]!.GetValue<string>());
        var database = ArmTemplate.Single(main, "Microsoft.Cache/redisEnterprise/databases").Properties;
        Assert.Equal("Encrypted", database["clientProtocol"]!.GetValue<string>());
        // Membership rows must never be evicted to make room.
        Assert.Equal("NoEviction", database["evictionPolicy"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheIdentityHoldsExactlyTheDataRolesItNeedsEachOnItsOwnResource()
    {
        var main = await Bicep.MainTemplateAsync();
        var identityAssignments = ArmTemplate.Resources(main)
            .Where(r => r.Type == "Microsoft.Authorization/roleAssignments" && IsIdentityPrincipal(r))
            .Select(r => (r.Module, Role: RoleId(r), Scope: ScopeType(r)))
            .OrderBy(a => a.Role, StringComparer.Ordinal)
            .ToList();

        (string, string, string)[] expected =
        [
            ("storage", StorageTableDataContributor, "Microsoft.Storage/storageAccounts"),
            ("storage", StorageQueueDataContributor, "Microsoft.Storage/storageAccounts"),
            ("registry", AcrPull, "Microsoft.ContainerRegistry/registries"),
            ("key-vault", KeyVaultSecretsUser, "Microsoft.KeyVault/vaults"),
        ];
        Assert.Equal(expected.OrderBy(a => a.Item2, StringComparer.Ordinal), identityAssignments);
    }

    [Fact]
    public async Task EveryModuleGrantsToTheOneIdentityOfTheDeployment()
    {
        var main = await Bicep.MainTemplateAsync();
        var identityName = ArmTemplate.ModuleParameters(main, "identity")["name"]!["value"]!.ToString();

        foreach (var (module, parameter) in new[] { ("storage", "dataIdentityName"), ("registry", "pullIdentityName"), ("key-vault", "readerIdentityName") })
        {
            Assert.Equal(identityName, ArmTemplate.ModuleParameters(main, module)[parameter]!["value"]!.ToString());
        }
    }

    [Fact]
    public async Task NobodyElseGetsARoleButTheOperatorWhoMayReadTheOperatorKey()
    {
        var main = await Bicep.MainTemplateAsync();
        var others = ArmTemplate.Resources(main)
            .Where(r => r.Type == "Microsoft.Authorization/roleAssignments" && !IsIdentityPrincipal(r))
            .ToList();

        var operatorReader = Assert.Single(others);
        Assert.Equal("key-vault", operatorReader.Module);
        Assert.Equal(KeyVaultSecretsUser, RoleId(operatorReader));
        Assert.Equal("User", operatorReader.Properties["principalType"]!.GetValue<string>());
        Assert.Equal("[parameters('operatorPrincipalId')]", operatorReader.Properties["principalId"]!.ToString());
        Assert.Contains("empty(parameters('operatorPrincipalId'))", operatorReader.Condition, StringComparison.Ordinal);
        Assert.Equal("[parameters('principalId')]", ArmTemplate.ModuleParameters(main, "key-vault")["operatorPrincipalId"]!["value"]!.ToString());
    }

    [Fact]
    public async Task EveryNameComesFromTheResourceToken()
    {
        var main = await Bicep.MainTemplateAsync();
        var names = main["variables"]!["names"]!.AsObject();

        Assert.Contains("uniqueString(subscription().id, parameters('environmentName'), parameters('location'))", main["variables"]!["resourceToken"]!.ToString(), StringComparison.Ordinal);
        Assert.All(names, n => Assert.Contains("variables('resourceToken')", n.Value!.ToString(), StringComparison.Ordinal));
        foreach (var module in ArmTemplate.Resources(main).Where(r => r.Module == "main" && r.Type == ArmTemplate.DeploymentType))
        {
            var parameters = module.Properties["parameters"]!.AsObject();
            foreach (var (name, value) in parameters.Where(p => p.Key.EndsWith("name", StringComparison.OrdinalIgnoreCase) && p.Key != "serviceName"))
            {
                Assert.Matches(@"^\[variables\('names'\)\.\w+\]$", value!["value"]!.ToString());
            }
        }
    }

    [Fact]
    public async Task EveryTopLevelResourceCarriesTheAzdTagsAndTheAppItsServiceName()
    {
        var main = await Bicep.MainTemplateAsync();

        Assert.Equal("[parameters('environmentName')]", main["variables"]!["tags"]!["azd-env-name"]!.ToString());
        var tagged = ArmTemplate.Resources(main).Where(r =>
            r.Type is not ArmTemplate.DeploymentType and not "Microsoft.Authorization/roleAssignments" && r.Type.Count(c => c == '/') == 1).ToList();
        Assert.True(tagged.Count >= 10, string.Join(", ", tagged.Select(r => r.Type)));
        foreach (var resource in tagged)
        {
            var tags = resource.Node["tags"]?.ToString() ?? "";
            var expected = resource.Module == "main" ? "variables('tags')" : "parameters('tags')";
            Assert.True(tags.Contains(expected, StringComparison.Ordinal), $"{resource.Type} in {resource.Module} has tags {tags}");
            if (resource.Module != "main")
            {
                Assert.Equal("[variables('tags')]", ArmTemplate.ModuleParameters(main, resource.Module)["tags"]!["value"]!.ToString());
            }
        }

        var app = ArmTemplate.Single(main, "Microsoft.App/containerApps");
        Assert.Contains("createObject('azd-service-name', parameters('serviceName'))", app.Node["tags"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("silo", main["variables"]!["serviceName"]!.ToString());
        Assert.Equal("[variables('serviceName')]", ArmTemplate.ModuleParameters(main, "silo")["serviceName"]!["value"]!.ToString());
    }

    [Fact]
    public async Task EveryTemplateParameterModuleAndOutputIsDescribed()
    {
        var main = await Bicep.MainTemplateAsync();
        var templates = new List<(string Name, JsonObject Template)> { ("main", main) };
        templates.AddRange(ArmTemplate.Resources(main).Where(r => r.Type == ArmTemplate.DeploymentType)
            .Select(r => (r.Node["name"]!.ToString(), r.Properties["template"]!.AsObject())));

        foreach (var (name, template) in templates)
        {
            Assert.False(string.IsNullOrWhiteSpace(template["metadata"]?["description"]?.ToString()), $"{name} has no metadata description");
            foreach (var (parameter, definition) in ArmTemplate.Parameters(template))
            {
                Assert.False(string.IsNullOrWhiteSpace(definition!["metadata"]?["description"]?.ToString()), $"{name}: parameter {parameter} has no description");
            }

            foreach (var (output, definition) in ArmTemplate.Outputs(template))
            {
                Assert.False(string.IsNullOrWhiteSpace(definition!["metadata"]?["description"]?.ToString()), $"{name}: output {output} has no description");
            }
        }
    }

    [Fact]
    public async Task TheParametersFileSetsEveryRequiredParameterFromAzdsEnvironment()
    {
        var main = await Bicep.MainTemplateAsync();
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Repository.PathOf("infra", "main.parameters.json"), TestContext.Current.CancellationToken))!;
        var given = file["parameters"]!.AsObject();
        var declared = ArmTemplate.Parameters(main);

        Assert.All(given, p => Assert.True(declared.ContainsKey(p.Key), $"main.parameters.json sets {p.Key}, which main.bicep does not declare"));
        foreach (var (name, definition) in declared)
        {
            var generatedByAzd = definition!["metadata"]?["azd"]?["type"]?.ToString() == "generate";
            if (definition["defaultValue"] is null && !generatedByAzd)
            {
                Assert.True(given.ContainsKey(name), $"required parameter {name} is not in main.parameters.json");
            }
        }

        Assert.Equal("${AZURE_ENV_NAME}", given["environmentName"]!["value"]!.ToString());
        Assert.Equal("${AZURE_LOCATION}", given["location"]!["value"]!.ToString());
        Assert.Equal("${AZURE_PRINCIPAL_ID}", given["principalId"]!["value"]!.ToString());
    }

    [Fact]
    public async Task AzdGeneratesTheOperatorKeyOnceAndItTravelsOnlyAsASecureValue()
    {
        var main = await Bicep.MainTemplateAsync();
        var operatorKey = ArmTemplate.Parameters(main)["operatorKey"]!;

        Assert.Equal("securestring", operatorKey["type"]!.ToString());
        Assert.True(operatorKey["minLength"]!.GetValue<int>() >= Silo.Configuration.HealingGrainsOptionsValidator.MinOperatorKeyLength);
        Assert.True(operatorKey["metadata"]!["azd"]!["config"]!["length"]!.GetValue<int>() >= Silo.Configuration.HealingGrainsOptionsValidator.MinOperatorKeyLength);
        Assert.Equal("securestring", ArmTemplate.Parameters(ArmTemplate.Module(main, "key-vault"))["operatorKey"]!["type"]!.ToString());
        Assert.DoesNotContain(ArmTemplate.Outputs(main), o => o.Value!["value"]!.ToString().Contains("operatorKey", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(ArmTemplate.Resources(main), r => r.Type == ArmTemplate.DeploymentType
            && r.Module == "main" && r.Node["name"]!.ToString() != "key-vault" && r.Properties["parameters"]!.ToString().Contains("parameters('operatorKey')", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSilosAreAFixedSetOfReplicasBehindStickyHttpsIngress()
    {
        var main = await Bicep.MainTemplateAsync();
        var app = ArmTemplate.Single(main, "Microsoft.App/containerApps").Properties;

        var scale = app["template"]!["scale"]!;
        Assert.Equal("[parameters('replicas')]", scale["minReplicas"]!.ToString());
        Assert.Equal("[parameters('replicas')]", scale["maxReplicas"]!.ToString());
        var ingress = app["configuration"]!["ingress"]!;
        Assert.False(ingress["allowInsecure"]!.GetValue<bool>());
        Assert.Equal("sticky", ingress["stickySessions"]!["affinity"]!.ToString());
        Assert.Equal("Single", app["configuration"]!["activeRevisionsMode"]!.ToString());
        Assert.Equal("[parameters('siloReplicas')]", ArmTemplate.ModuleParameters(main, "silo")["replicas"]!["value"]!.ToString());
    }

    [Fact]
    public async Task TheProbesAskTheHostsHealthEndpoints()
    {
        var main = await Bicep.MainTemplateAsync();
        var app = ArmTemplate.Single(main, "Microsoft.App/containerApps").Properties;

        var probes = app["template"]!["containers"]![0]!["probes"]!.AsArray()
            .ToDictionary(p => p!["type"]!.ToString(), p => p!["httpGet"]!["path"]!.ToString());

        Assert.Equal(new Dictionary<string, string>
        {
            ["Startup"] = "/health/live",
            ["Liveness"] = "/health/live",
            ["Readiness"] = "/health/ready",
        }, probes);
    }

    internal static bool IsIdentityPrincipal(TemplateResource assignment) =>
        assignment.Properties["principalId"]!.ToString().Contains("Microsoft.ManagedIdentity/userAssignedIdentities", StringComparison.Ordinal)
        && assignment.Properties["principalType"]!.ToString() == "ServicePrincipal";

    internal static string RoleId(TemplateResource assignment)
    {
        var expression = assignment.Properties["roleDefinitionId"]!.ToString();
        var literal = Guid().Match(expression);
        if (literal.Success)
        {
            return literal.Value;
        }

        var variable = VariableReference().Match(expression);
        Assert.True(variable.Success, $"cannot read the role of {expression}");
        return assignment.Template["variables"]![variable.Groups["name"].Value]!.ToString();
    }

    private static string ScopeType(TemplateResource assignment)
    {
        // A scope names the one resource the role applies to; without one it would cover the whole resource group.
        var scope = assignment.Node["scope"]?.ToString();
        Assert.False(string.IsNullOrEmpty(scope), $"role assignment in {assignment.Module} has no resource scope");
        var type = ScopeResourceType().Match(scope);
        Assert.True(type.Success, scope);
        return type.Groups["type"].Value;
    }

    [GeneratedRegex(@"module\s+\w+\s+'(?<path>[^']+)'")]
    private static partial Regex ModuleStatement();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex(@"variables\('(?<name>\w+)'\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^\[resourceId\('(?<type>Microsoft\.\w+/\w+)', parameters\('name'\)\)\]$")]
    private static partial Regex ScopeResourceType();
}
