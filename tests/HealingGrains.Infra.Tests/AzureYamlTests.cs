using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace HealingGrains.Infra.Tests;

/// <summary>azure.yaml (ours, and the one a tenant writes to call the hook) against azd's published schema.</summary>
public sealed class AzureYamlTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(
        File.ReadAllText(Repository.PathOf("tests", "HealingGrains.Infra.Tests", "Schemas", "azure.yaml.schema.json"))));

    [Theory]
    [InlineData("azure.yaml")]
    [InlineData("hooks/tenant-azure.yaml")]
    public async Task IsValidAgainstAzdsSchema(string file)
    {
        var document = YamlJson.Parse(await File.ReadAllTextAsync(Repository.PathOf(file), TestContext.Current.CancellationToken));

        var errors = Validate(document);

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [InlineData("name: HealingGrains\nservices:\n  silo:\n    project: ./src\n    host: containerapp\n", "name")]
    [InlineData("name: healinggrains\nservices:\n  silo:\n    project: ./src\n", "host")]
    [InlineData("name: healinggrains\nhooks:\n  postdeploy:\n    posix:\n      shell: zsh\n      run: ./x.sh\n", "shell")]
    [InlineData("name: healinggrains\nservices:\n  silo:\n    project: ./src\n    host: containerapp\n    remoteBuild: maybe\n", "remoteBuild")]
    public void TheSchemaRefusesWhatAzdRefuses(string yaml, string culprit)
    {
        var errors = Validate(YamlJson.Parse(yaml));

        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Contains(culprit, StringComparison.Ordinal));
    }

    [Fact]
    public void TheSchemaSubsetNamesItsSource()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Repository.PathOf("tests", "HealingGrains.Infra.Tests", "Schemas", "azure.yaml.schema.json")))!;

        Assert.Contains("https://raw.githubusercontent.com/Azure/azure-dev/main/schemas/v1.0/azure.yaml.json", schema["$comment"]!.ToString(), StringComparison.Ordinal);
        Assert.NotNull(schema["definitions"]!["hooks"]);
        Assert.NotNull(schema["properties"]!["services"]);
    }

    [Fact]
    public async Task TheSiloServiceIsTheHostProjectBuiltByTheSdkIntoTheAppInfraTags()
    {
        var azure = YamlJson.Parse(await File.ReadAllTextAsync(Repository.PathOf("azure.yaml"), TestContext.Current.CancellationToken))!;
        var main = await Bicep.MainTemplateAsync();

        var services = azure["services"]!.AsObject();
        var (name, service) = Assert.Single(services);
        Assert.Equal(main["variables"]!["serviceName"]!.ToString(), name);
        Assert.Equal("containerapp", service!["host"]!.ToString());
        Assert.Equal("dotnet", service["language"]!.ToString());
        var project = Path.GetFullPath(Path.Combine(Repository.Root, service["project"]!.ToString()));
        Assert.True(File.Exists(Path.Combine(project, "HealingGrains.Silo.csproj")), project);
        // Without a Dockerfile azd builds the image with `dotnet publish -t:PublishContainer`.
        Assert.Null(service["docker"]);
        Assert.False(File.Exists(Path.Combine(project, "Dockerfile")));
        Assert.True(File.Exists(Repository.PathOf(azure["infra"]!["path"]!.ToString(), azure["infra"]!["module"]!.ToString() + ".bicep")));
        Assert.Contains("AZURE_CONTAINER_REGISTRY_ENDPOINT", ArmTemplate.Outputs(main).Select(o => o.Key));
    }

    [Fact]
    public async Task TheTenantsHookEntriesPointAtTheShippedScripts()
    {
        var tenant = YamlJson.Parse(await File.ReadAllTextAsync(Repository.PathOf("hooks", "tenant-azure.yaml"), TestContext.Current.CancellationToken))!;
        var postdeploy = tenant["hooks"]!["postdeploy"]!;

        Assert.Equal("sh", postdeploy["posix"]!["shell"]!.ToString());
        Assert.Equal("pwsh", postdeploy["windows"]!["shell"]!.ToString());
        Assert.True(File.Exists(Repository.PathOf(postdeploy["posix"]!["run"]!.ToString())));
        Assert.True(File.Exists(Repository.PathOf(postdeploy["windows"]!["run"]!.ToString())));
    }

    private static List<string> Validate(JsonNode? document)
    {
        using var json = JsonDocument.Parse(document?.ToJsonString() ?? "null");
        var result = Schema.Value.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? []
            : (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
                .ToList();
    }
}
