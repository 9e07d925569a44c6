namespace HealingGrains.Core.Tests;

/// <summary>Finds the steering repository's public benchmark data, which lives beside the project's clone.</summary>
internal static class SharedData
{
    public static string Path(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "HealingGrains.sln")))
            {
                var data = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "data", name));
                return Directory.Exists(data)
                    ? data
                    : throw new DirectoryNotFoundException($"The benchmark data {data} is missing: it comes with the steering repository's shared/ folder beside the clone.");
            }
        }

        throw new DirectoryNotFoundException($"No HealingGrains.sln above {AppContext.BaseDirectory}.");
    }
}
