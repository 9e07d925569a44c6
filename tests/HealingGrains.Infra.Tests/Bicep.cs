using System.Text.Json.Nodes;

namespace HealingGrains.Infra.Tests;

/// <summary>The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package, and the compiled deployment template.</summary>
internal static class Bicep
{
    private static readonly Lazy<Task<JsonObject>> MainTemplate = new(() => BuildAsync(Repository.PathOf("infra", "main.bicep")));

    /// <summary>infra/main.bicep compiled to ARM JSON, once per test run.</summary>
    public static Task<JsonObject> MainTemplateAsync() => MainTemplate.Value;

    public static async Task<ProcessResult> RunAsync(params string[] arguments)
    {
        // NuGet extracts files without their run bit on some systems; the CLI is a native executable.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(Repository.BicepCli);
            const UnixFileMode run = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & run) != run)
            {
                File.SetUnixFileMode(Repository.BicepCli, mode | run);
            }
        }

        return await ProcessRunner.RunAsync(Repository.BicepCli, arguments, environment: new Dictionary<string, string?>
        {
            // No telemetry, no update checks: the tests run offline.
            ["BICEP_TELEMETRY_ENABLED"] = "false",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        });
    }

    public static async Task<JsonObject> BuildAsync(string file)
    {
        var result = await RunAsync("build", file, "--stdout");
        if (result.ExitCode != 0 || result.StandardError.Length > 0)
        {
            throw new InvalidOperationException($"bicep build {file} failed or warned:\n{result}");
        }

        return JsonNode.Parse(result.StandardOutput)!.AsObject();
    }
}
