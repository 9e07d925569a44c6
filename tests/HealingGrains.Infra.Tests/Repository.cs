using System.Reflection;

namespace HealingGrains.Infra.Tests;

/// <summary>Paths of the repository under test and of the Bicep CLI restored from NuGet, as the build recorded them.</summary>
internal static class Repository
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    public static string BicepCli { get; } = Metadata("BicepPath");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"The build recorded no {key}.");
}
