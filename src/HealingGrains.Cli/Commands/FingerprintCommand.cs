using HealingGrains.Core.Fingerprinting;

namespace HealingGrains.Cli.Commands;

/// <summary><c>hg fingerprint</c>: one fresh miner over all input lines, then each line's cluster id and final template.</summary>
internal static class FingerprintCommand
{
    public static async Task<int> RunAsync(TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        var miner = new TemplateMiner();
        var ids = new List<string>();
        while (await input.ReadLineAsync(cancellationToken) is { } line)
        {
            ids.Add(miner.Add(line).ClusterId);
        }

        // Templates are read after the whole input: a group's template is the same on every one of its lines.
        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (!templates.TryGetValue(id, out var template))
            {
                templates[id] = template = miner.GetTemplate(id);
            }

            await output.WriteAsync(id);
            await output.WriteAsync('\t');
            await output.WriteLineAsync(template);
        }

        await output.FlushAsync(cancellationToken);
        return ExitCodes.Ok;
    }
}
