using System.Text.RegularExpressions;

namespace HealingGrains.Core.Fingerprinting;

/// <summary>
/// Recognises .NET, Java, Python, Node.js and Go stack traces line by line and normalises each frame so that the same
/// code path gives the same frames across builds (line numbers, file locations, addresses, compiler-generated names,
/// generic arity and argument values are dropped). Frames of the runtime and of third-party packages are not in-app.
/// </summary>
public static partial class StackTraceNormalizer
{
    private static readonly string[] DotNetPlatform = ["System.", "Microsoft.", "Windows.", "Orleans.", "Internal.", "Grpc.", "Newtonsoft.", "Polly."];
    private static readonly string[] JvmPlatform = ["java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.", "kotlinx.", "scala.", "org.springframework.", "org.apache.", "io.netty.", "reactor.", "org.hibernate.", "org.junit."];

    /// <summary>Normalises a stack trace; <see cref="StackFormat.None"/> with no frames when nothing is recognised.</summary>
    public static NormalizedStack Normalize(string stackTrace)
    {
        ArgumentNullException.ThrowIfNull(stackTrace);
        var frames = new List<(StackFormat Format, string Frame, bool InApp)>();
        var lines = stackTrace.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (TryPython(line) is { } python)
            {
                frames.Add(python);
            }
            else if (TryJava(line) is { } java)
            {
                frames.Add(java);
            }
            else if (TryDotNet(line) is { } dotnet)
            {
                frames.Add(dotnet);
            }
            else if (TryNode(line) is { } node)
            {
                frames.Add(node);
            }
            else if (i + 1 < lines.Length && TryGo(line, lines[i + 1]) is { } go)
            {
                frames.Add(go);
                i++;
            }
        }

        if (frames.Count == 0)
        {
            return new NormalizedStack(StackFormat.None, [], []);
        }

        var format = frames.GroupBy(f => f.Format).OrderByDescending(g => g.Count()).First().Key;

        // Python prints the innermost frame last; every other runtime prints it first.
        if (format == StackFormat.Python)
        {
            frames.Reverse();
        }

        return new NormalizedStack(format, [.. frames.Select(f => f.Frame)], [.. frames.Where(f => f.InApp).Select(f => f.Frame)]);
    }

    private static (StackFormat, string, bool)? TryDotNet(string line)
    {
        var match = DotNetFrame().Match(line);
        if (!match.Success)
        {
            return null;
        }

        var method = match.Groups["method"].Value;

        // async state machine: Ns.Type.<DoAsync>d__5.MoveNext -> Ns.Type.DoAsync
        method = AsyncStateMachine().Replace(method, ".$1");

        // lambdas: Ns.Type.<>c__DisplayClass3_0.<Run>b__0 or Ns.Type.<>c.<Run>b__1_2 -> Ns.Type.Run.lambda
        method = DisplayClass().Replace(method, "");
        method = DotNetLambda().Replace(method, ".$1.lambda");
        method = LocalFunction().Replace(method, ".$1.$2");
        method = GenericArity().Replace(method, "");
        method = GenericArguments().Replace(method, "");
        return (StackFormat.DotNet, method, !DotNetPlatform.Any(p => method.StartsWith(p, StringComparison.Ordinal)));
    }

    private static (StackFormat, string, bool)? TryJava(string line)
    {
        var match = JavaFrame().Match(line);
        if (!match.Success)
        {
            return null;
        }

        var method = match.Groups["method"].Value;
        method = JavaSyntheticLambda().Replace(method, "$$$$Lambda");
        method = JavaLambda().Replace(method, "lambda$$$1");
        method = JavaAccessor().Replace(method, "access$$");
        method = JavaGeneratedProxy().Replace(method, "$1");
        var inApp = !JvmPlatform.Any(p => method.StartsWith(p, StringComparison.Ordinal));
        return (StackFormat.Java, method, inApp);
    }

    private static (StackFormat, string, bool)? TryPython(string line)
    {
        var match = PythonFrame().Match(line);
        if (!match.Success)
        {
            return null;
        }

        var file = match.Groups["file"].Value.Replace('\\', '/');
        var inApp = !(file.Contains("/site-packages/", StringComparison.Ordinal)
            || file.Contains("/dist-packages/", StringComparison.Ordinal)
            || PythonStdlib().IsMatch(file)
            || file.StartsWith('<'));
        var module = ModuleOf(file);
        return (StackFormat.Python, $"{module}:{match.Groups["func"].Value.Trim()}", inApp);
    }

    private static (StackFormat, string, bool)? TryNode(string line)
    {
        var match = NodeFrame().Match(line);
        if (!match.Success)
        {
            return null;
        }

        var location = match.Groups["location"].Value.Replace('\\', '/');
        var function = match.Groups["function"].Success ? match.Groups["function"].Value.Trim() : "<anonymous>";
        function = function.Replace("async ", "", StringComparison.Ordinal);
        function = function.StartsWith("new ", StringComparison.Ordinal) ? function[4..] : function;
        var inApp = !(location.StartsWith("node:", StringComparison.Ordinal)
            || location.Contains("node_modules/", StringComparison.Ordinal)
            || location.StartsWith("internal/", StringComparison.Ordinal));
        return (StackFormat.NodeJs, $"{function}@{ModuleOf(location)}", inApp);
    }

    private static (StackFormat, string, bool)? TryGo(string line, string next)
    {
        var function = GoFunction().Match(line);
        if (!function.Success || !GoLocation().IsMatch(next))
        {
            return null;
        }

        var name = function.Groups["function"].Value;
        name = GoClosure().Replace(name, ".func");

        // The standard library's import paths have no dot in their first element (net/http, runtime); modules do.
        var firstElement = name.Split('/')[0];
        var inApp = name.StartsWith("main.", StringComparison.Ordinal) || (firstElement.Contains('.', StringComparison.Ordinal) && name.Contains('/', StringComparison.Ordinal));
        return (StackFormat.Go, name, inApp);
    }

    // The file's location without the machine-specific prefix: from the last well-known source root, else its name.
    private static string ModuleOf(string path)
    {
        foreach (var root in new[] { "/site-packages/", "/dist-packages/", "/node_modules/", "/src/", "/app/", "/lib/" })
        {
            var at = path.LastIndexOf(root, StringComparison.Ordinal);
            if (at >= 0)
            {
                return path[(at + root.Length)..];
            }
        }

        var slash = path.LastIndexOf('/');
        return slash >= 0 ? path[(slash + 1)..] : path;
    }

    [GeneratedRegex(@"^\s*at (?<method>[^\s(]+)\((?<args>[^)]*)\)(?: in (?<file>.+?)(?::line \d+)?)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex DotNetFrame();

    [GeneratedRegex(@"\.<(\w+)>d__\d+\.MoveNext$", RegexOptions.CultureInvariant)]
    private static partial Regex AsyncStateMachine();

    [GeneratedRegex(@"\.<>c(?:__DisplayClass\d+_\d+)?(?=\.)", RegexOptions.CultureInvariant)]
    private static partial Regex DisplayClass();

    [GeneratedRegex(@"\.<(\w+)>b__[\w]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DotNetLambda();

    [GeneratedRegex(@"\.<(\w+)>g__(\w+)\|[\w]+$", RegexOptions.CultureInvariant)]
    private static partial Regex LocalFunction();

    [GeneratedRegex(@"`\d+", RegexOptions.CultureInvariant)]
    private static partial Regex GenericArity();

    [GeneratedRegex(@"\[[^\[\]]*\]", RegexOptions.CultureInvariant)]
    private static partial Regex GenericArguments();

    [GeneratedRegex(@"^\s*at (?<method>[\w$.<>/]+?(?:\.[\w$<>]+)+)\((?<source>(?:[\w$.-]+\.(?:java|kt|scala|groovy|clj)(?::\d+)?|Native Method|Unknown Source))\)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex JavaFrame();

    [GeneratedRegex(@"\$\$Lambda\$?[\d/x\w]*", RegexOptions.CultureInvariant)]
    private static partial Regex JavaSyntheticLambda();

    [GeneratedRegex(@"lambda\$(\w+)\$\d+", RegexOptions.CultureInvariant)]
    private static partial Regex JavaLambda();

    [GeneratedRegex(@"access\$\d+", RegexOptions.CultureInvariant)]
    private static partial Regex JavaAccessor();

    [GeneratedRegex(@"(\w+)\$\$(?:EnhancerBySpringCGLIB|FastClassBySpringCGLIB|SpringCGLIB)\$\$\w+", RegexOptions.CultureInvariant)]
    private static partial Regex JavaGeneratedProxy();

    [GeneratedRegex(@"^\s*File ""(?<file>[^""]+)"", line \d+, in (?<func>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex PythonFrame();

    [GeneratedRegex(@"/(?:usr/(?:local/)?)?lib(?:64)?/python\d(?:\.\d+)?/", RegexOptions.CultureInvariant)]
    private static partial Regex PythonStdlib();

    [GeneratedRegex(@"^\s*at (?:(?<function>[^()]+?) \()?(?<location>[^()\s]+?):\d+:\d+\)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex NodeFrame();

    [GeneratedRegex(@"^(?<function>[\w./*()\-]+?)\((?:[^()]*)\)$", RegexOptions.CultureInvariant)]
    private static partial Regex GoFunction();

    [GeneratedRegex(@"^\s+\S+\.go:\d+(?: \+0x[0-9a-f]+)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex GoLocation();

    [GeneratedRegex(@"\.func\d+(?:\.\d+)*", RegexOptions.CultureInvariant)]
    private static partial Regex GoClosure();
}
