using System.Text.Json.Nodes;

namespace HealingGrains.Infra.Tests;

/// <summary>A resource of the compiled template, with the module (nested deployment) that declares it.</summary>
internal sealed record TemplateResource(string Type, JsonObject Node, string Module, JsonObject Template)
{
    public JsonObject Properties => Node["properties"]?.AsObject() ?? [];

    public string? Condition => Node["condition"]?.ToString();
}

/// <summary>Reads compiled ARM JSON: resources through every nested deployment, parameters, outputs.</summary>
internal static class ArmTemplate
{
    public const string DeploymentType = "Microsoft.Resources/deployments";

    /// <summary>Every resource, depth first through modules (nested deployments are listed too).</summary>
    public static IEnumerable<TemplateResource> Resources(JsonObject template, string module = "main")
    {
        foreach (var node in ResourceNodes(template))
        {
            var type = node["type"]!.GetValue<string>();
            yield return new TemplateResource(type, node, module, template);
            if (type == DeploymentType && node["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Resources(nested, node["name"]!.GetValue<string>()))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>The template of the module deployed under <paramref name="name"/>.</summary>
    public static JsonObject Module(JsonObject template, string name) =>
        Resources(template).Single(r => r.Type == DeploymentType && r.Node["name"]!.GetValue<string>() == name)
            .Properties["template"]!.AsObject();

    /// <summary>The parameters a module deployment is given, by name, as the raw values (often ARM expressions).</summary>
    public static JsonObject ModuleParameters(JsonObject template, string name) =>
        Resources(template).Single(r => r.Type == DeploymentType && r.Node["name"]!.GetValue<string>() == name)
            .Properties["parameters"]!.AsObject();

    public static TemplateResource Single(JsonObject template, string type) => Resources(template).Single(r => r.Type == type);

    public static JsonObject Outputs(JsonObject template) => template["outputs"]?.AsObject() ?? [];

    public static JsonObject Parameters(JsonObject template) => template["parameters"]?.AsObject() ?? [];

    private static IEnumerable<JsonObject> ResourceNodes(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.Select(n => n!.AsObject()),
        // Templates with symbolic names (languageVersion 2.0) keep resources in an object.
        JsonObject symbolic => symbolic.Select(p => p.Value!.AsObject()),
        _ => [],
    };
}
