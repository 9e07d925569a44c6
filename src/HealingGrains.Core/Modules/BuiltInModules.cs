namespace HealingGrains.Core.Modules;

/// <summary>The modules that ship with the platform: data like any other module, embedded in this assembly.</summary>
public static class BuiltInModules
{
    private static readonly Lazy<HealingModule> LazyRules = new(() => Load("builtin.rules.json"));

    /// <summary>The rules the fail-safe falls back to (<c>builtin.rules</c>).</summary>
    public static HealingModule Rules => LazyRules.Value;

    private static HealingModule Load(string name)
    {
        using var stream = typeof(BuiltInModules).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The built-in module {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        var (module, errors) = HealingModule.Parse(reader.ReadToEnd());
        return module ?? throw new InvalidOperationException($"The built-in module {name} is invalid: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}"))}");
    }
}
