using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HealingGrains.Core.Adaptation;

/// <summary>What a fix added or changed.</summary>
public enum FixPatternKind
{
    /// <summary>A catch clause for an exception type (detail: the type as written).</summary>
    CatchAdded,

    /// <summary>A retry: a loop re-attempting with a catch, or a resilience library's retry.</summary>
    Retry,

    /// <summary>A growing delay between attempts.</summary>
    Backoff,

    /// <summary>A timeout set or changed (detail: the setting).</summary>
    TimeoutChanged,

    /// <summary>A null check.</summary>
    NullGuard,

    /// <summary>A circuit breaker.</summary>
    CircuitBreaker,

    /// <summary>A pool, connection or thread limit set or changed (detail: the setting).</summary>
    PoolSize,

    /// <summary>A cache.</summary>
    Caching,
}

/// <summary>Code a healing module must never be learned from without a human: what it could do to a host.</summary>
public enum SafetyFlag
{
    /// <summary>Starts a process.</summary>
    ProcessStart,

    /// <summary>Deletes files.</summary>
    FileDeletion,

    /// <summary>Deletes directories.</summary>
    DirectoryDeletion,

    /// <summary>Emits code at run time (System.Reflection.Emit).</summary>
    ReflectionEmit,

    /// <summary>Loads assemblies.</summary>
    AssemblyLoading,

    /// <summary>Calls native code (P/Invoke).</summary>
    PInvoke,

    /// <summary>Unsafe code: pointers, fixed, unsafe blocks.</summary>
    UnsafeCode,

    /// <summary>Ends the process (Environment.Exit, FailFast).</summary>
    EnvironmentExit,

    /// <summary>Opens raw sockets.</summary>
    RawSocket,

    /// <summary>Reads or writes the Windows registry.</summary>
    Registry,
}

/// <summary>A pattern the fix added, where.</summary>
public sealed record FixPattern(FixPatternKind Kind, string? Detail, string File, int Line, string Code);

/// <summary>Dangerous code in the fix, where.</summary>
public sealed record SafetyFinding(SafetyFlag Flag, string File, int Line, string Code);

/// <summary>A rule synthesised from a pattern: when an error like the fixed one recurs, propose this kind.</summary>
/// <param name="Fingerprint">The fingerprint the fix was for.</param>
/// <param name="ExceptionType">The exception type to match, when the fix names one.</param>
/// <param name="Kind">The action kind to propose.</param>
/// <param name="Parameters">Its parameters.</param>
/// <param name="Priority">Higher first.</param>
/// <param name="From">The pattern it comes from.</param>
public sealed record CandidateRule(string Fingerprint, string? ExceptionType, string Kind, IReadOnlyDictionary<string, string> Parameters, int Priority, FixPatternKind From);

/// <summary>A pattern found but not turned into a rule, and why.</summary>
public sealed record RejectedPattern(FixPattern Pattern, string Reason);

/// <summary>What code analysis found in a fix.</summary>
public sealed record FixAnalysis(
    IReadOnlyList<FixPattern> Patterns,
    IReadOnlyList<SafetyFinding> Flags,
    IReadOnlyList<CandidateRule> Behaviours,
    IReadOnlyList<RejectedPattern> Rejected);

/// <summary>
/// Reads a C# fix with Roslyn's parser only (submitted code is never compiled, loaded or run) and compares each file's
/// code after the fix with the code before it: what the fix added (a catch, a retry, a backoff, a timeout, a null
/// guard, a circuit breaker, a pool size, a cache) and what dangerous code the result contains. Syntax alone cannot
/// resolve types, so calls are recognised by the names they are written with (<c>File.Delete</c>,
/// <c>Process.Start</c>, …): a renamed alias escapes, and the flags err on the side of flagging.
/// </summary>
public static partial class FixAnalyzer
{
    private static readonly CSharpParseOptions Options = new(LanguageVersion.Preview, DocumentationMode.None, SourceCodeKind.Script);

    private static readonly string[] RetryNames =
        ["WaitAndRetry", "WaitAndRetryAsync", "WaitAndRetryForever", "WaitAndRetryForeverAsync", "Retry", "RetryAsync", "RetryForever", "RetryForeverAsync", "AddRetry", "RetryStrategyOptions", "MaxRetryAttempts", "HttpRetryStrategyOptions", "EnableRetryOnFailure"];

    private static readonly string[] BackoffNames = ["Exponential", "DecorrelatedJitterBackoffV2", "ExponentialBackoff"];

    private static readonly string[] CacheNames =
        ["IMemoryCache", "IDistributedCache", "HybridCache", "GetOrCreate", "GetOrCreateAsync", "AddMemoryCache", "AddDistributedMemoryCache", "AddStackExchangeRedisCache", "OutputCache", "AddOutputCache", "AddHybridCache", "MemoryCacheEntryOptions", "DistributedCacheEntryOptions"];

    /// <summary>Analyses the files of a fix for <paramref name="fingerprint"/> (whose exception type, if known, is <paramref name="exceptionType"/>).</summary>
    public static FixAnalysis Analyze(IReadOnlyList<SourceChange> changes, string fingerprint, string? exceptionType = null)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(fingerprint);
        var patterns = new List<FixPattern>();
        var flags = new List<SafetyFinding>();
        foreach (var change in changes)
        {
            var before = Signals.Of(CSharpSyntaxTree.ParseText(change.Before, Options).GetRoot());
            var after = Signals.Of(CSharpSyntaxTree.ParseText(change.After, Options).GetRoot());
            foreach (var (key, nodes) in after.Patterns)
            {
                var added = nodes.Count - (before.Patterns.TryGetValue(key, out var old) ? old.Count : 0);
                if (added > 0)
                {
                    var node = nodes[^1];
                    patterns.Add(new FixPattern(key.Kind, key.Detail, change.Path, Line(node), Excerpt(node)));
                }
            }

            foreach (var (flag, node) in after.Flags)
            {
                flags.Add(new SafetyFinding(flag, change.Path, Line(node), Excerpt(node)));
            }
        }

        patterns = [.. patterns.DistinctBy(p => (p.Kind, p.Detail)).OrderBy(p => p.Kind).ThenBy(p => p.Detail, StringComparer.Ordinal)];
        flags = [.. flags.DistinctBy(f => (f.Flag, f.File, f.Line))];
        var (behaviours, rejected) = Synthesise(patterns, flags, fingerprint, exceptionType);
        return new FixAnalysis(patterns, flags, behaviours, rejected);
    }

    // Patterns become rules only when a running deployment could be told to behave so (retry, break, time out, pool,
    // cache); a null guard or a catch alone is a code change that no action can stand in for. A fix with dangerous
    // code teaches nothing until a human has read it.
    private static (List<CandidateRule>, List<RejectedPattern>) Synthesise(List<FixPattern> patterns, List<SafetyFinding> flags, string fingerprint, string? exceptionType)
    {
        var behaviours = new List<CandidateRule>();
        var rejected = new List<RejectedPattern>();
        if (flags.Count > 0)
        {
            var names = string.Join(", ", flags.Select(f => f.Flag).Distinct());
            rejected.AddRange(patterns.Select(p => new RejectedPattern(p, $"The fix also contains dangerous code ({names}); nothing is learned from it until a human has reviewed it.")));
            return (behaviours, rejected);
        }

        var caught = patterns.Where(p => p.Kind == FixPatternKind.CatchAdded && p.Detail is not ("Exception" or "System.Exception" or null)).Select(p => p.Detail).FirstOrDefault();
        var matchType = caught ?? exceptionType;
        var backoff = patterns.Any(p => p.Kind == FixPatternKind.Backoff);
        foreach (var p in patterns)
        {
            switch (p.Kind)
            {
                case FixPatternKind.Retry:
                    behaviours.Add(Rule("enable-retry", 50, p, new() { ["backoff"] = backoff ? "exponential" : "fixed" }));
                    break;
                case FixPatternKind.CircuitBreaker:
                    behaviours.Add(Rule("enable-circuit-breaker", 40, p, []));
                    break;
                case FixPatternKind.TimeoutChanged:
                    behaviours.Add(Rule("configure", 30, p, new() { ["setting"] = p.Detail ?? "Timeout", ["from"] = p.Code }));
                    break;
                case FixPatternKind.PoolSize:
                    behaviours.Add(Rule("configure", 30, p, new() { ["setting"] = p.Detail ?? "PoolSize", ["from"] = p.Code }));
                    break;
                case FixPatternKind.Caching:
                    behaviours.Add(Rule("enable-cache", 20, p, []));
                    break;
                case FixPatternKind.Backoff when patterns.Any(q => q.Kind == FixPatternKind.Retry):
                    break; // part of the retry rule
                case FixPatternKind.Backoff:
                    rejected.Add(new RejectedPattern(p, "A backoff without a retry changes nothing a deployment could be told to do."));
                    break;
                case FixPatternKind.CatchAdded when p.Detail is "Exception" or "System.Exception" or null:
                    rejected.Add(new RejectedPattern(p, "A catch-all hides failures instead of healing them; it is not learned."));
                    break;
                case FixPatternKind.CatchAdded when behaviours.Count > 0 || patterns.Any(q => q.Kind is FixPatternKind.Retry or FixPatternKind.CircuitBreaker):
                    break; // what the rules match on
                case FixPatternKind.CatchAdded:
                    rejected.Add(new RejectedPattern(p, "Catching the exception is a code change; no action can stand in for it."));
                    break;
                case FixPatternKind.NullGuard:
                    rejected.Add(new RejectedPattern(p, "A null guard fixes a code defect in code; no action can stand in for it."));
                    break;
            }
        }

        return (behaviours, rejected);

        CandidateRule Rule(string kind, int priority, FixPattern p, Dictionary<string, string> parameters) =>
            new(fingerprint, matchType, kind, parameters, priority, p.Kind);
    }

    private static int Line(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    private static string Excerpt(SyntaxNode node)
    {
        var text = WhiteSpace().Replace(node.ToString(), " ").Trim();
        return text.Length <= 160 ? text : text[..160] + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex(@"(?i)\b(?<name>(?:command |connect(?:ion)? )?timeout)\s*=\s*(?<value>\d+)")]
    private static partial Regex ConnectionStringTimeout();

    [GeneratedRegex(@"(?i)\b(?<name>max(?:imum)? ?pool ?size|min(?:imum)? ?pool ?size)\s*=\s*(?<value>\d+)")]
    private static partial Regex ConnectionStringPool();

    private readonly record struct PatternKey(FixPatternKind Kind, string? Detail, string? Value);

    // What one side of a file contains: pattern signals keyed so that the same signal on both sides cancels out (a
    // timeout is keyed by its setting and value, so a changed value is a new key), and the flags.
    private sealed class Signals
    {
        public Dictionary<PatternKey, List<SyntaxNode>> Patterns { get; } = [];

        public List<(SafetyFlag Flag, SyntaxNode Node)> Flags { get; } = [];

        public static Signals Of(SyntaxNode root)
        {
            var signals = new Signals();
            foreach (var node in root.DescendantNodes())
            {
                signals.Visit(node);
            }

            // Keys differing only by value report the setting once.
            return signals;
        }

        private void Add(FixPatternKind kind, SyntaxNode node, string? detail = null, string? value = null)
        {
            var key = new PatternKey(kind, detail, value);
            if (!Patterns.TryGetValue(key, out var nodes))
            {
                Patterns[key] = nodes = [];
            }

            nodes.Add(node);
        }

        private void Visit(SyntaxNode node)
        {
            switch (node)
            {
                case CatchClauseSyntax c:
                    Add(FixPatternKind.CatchAdded, c, c.Declaration?.Type.ToString() ?? "Exception");
                    break;
                case ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax or ForEachStatementSyntax
                    when node.DescendantNodes().OfType<TryStatementSyntax>().Any(t => t.Catches.Count > 0)
                         && node.DescendantNodes().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.Text is "Delay" or "Sleep" || i.Identifier.Text.Contains("attempt", StringComparison.OrdinalIgnoreCase) || i.Identifier.Text.Contains("retr", StringComparison.OrdinalIgnoreCase)):
                    Add(FixPatternKind.Retry, node);
                    break;
                case IdentifierNameSyntax id:
                    VisitName(id, id.Identifier.Text);
                    break;
                case GenericNameSyntax generic:
                    VisitName(generic, generic.Identifier.Text);
                    break;
                case InvocationExpressionSyntax invocation:
                    VisitInvocation(invocation);
                    break;
                case AssignmentExpressionSyntax assignment:
                    VisitSetting(assignment, Name(assignment.Left), assignment.Right.ToString());
                    if (assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression))
                    {
                        Add(FixPatternKind.NullGuard, assignment);
                    }

                    if (assignment.IsKind(SyntaxKind.MultiplyAssignmentExpression) || assignment.IsKind(SyntaxKind.LeftShiftAssignmentExpression))
                    {
                        Add(FixPatternKind.Backoff, assignment);
                    }

                    break;
                case ArgumentSyntax { NameColon: { } nameColon } argument:
                    VisitSetting(argument, nameColon.Name.Identifier.Text, argument.Expression.ToString());
                    break;
                case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression):
                    VisitConnectionString(literal, literal.Token.ValueText);
                    break;
                case InterpolatedStringTextSyntax text:
                    VisitConnectionString(text, text.TextToken.ValueText);
                    break;
                case IsPatternExpressionSyntax pattern when pattern.Pattern.ToString() is "null" or "not null":
                    Add(FixPatternKind.NullGuard, pattern);
                    break;
                case BinaryExpressionSyntax binary:
                    if ((binary.IsKind(SyntaxKind.EqualsExpression) || binary.IsKind(SyntaxKind.NotEqualsExpression))
                        && (binary.Left.IsKind(SyntaxKind.NullLiteralExpression) || binary.Right.IsKind(SyntaxKind.NullLiteralExpression)))
                    {
                        Add(FixPatternKind.NullGuard, binary);
                    }
                    else if (binary.IsKind(SyntaxKind.CoalesceExpression))
                    {
                        Add(FixPatternKind.NullGuard, binary);
                    }
                    else if (binary.IsKind(SyntaxKind.LeftShiftExpression))
                    {
                        Add(FixPatternKind.Backoff, binary);
                    }

                    break;
                case ConditionalAccessExpressionSyntax conditional:
                    Add(FixPatternKind.NullGuard, conditional);
                    break;
                case ObjectCreationExpressionSyntax creation:
                    VisitCreation(creation, creation.Type.ToString());
                    break;
                case AttributeSyntax attribute:
                    VisitAttribute(attribute, Name(attribute.Name));
                    break;
                case MethodDeclarationSyntax method when method.Modifiers.Any(SyntaxKind.ExternKeyword):
                    Flags.Add((SafetyFlag.PInvoke, method));
                    break;
                case LocalFunctionStatementSyntax local when local.Modifiers.Any(SyntaxKind.ExternKeyword):
                    Flags.Add((SafetyFlag.PInvoke, local));
                    break;
                case UnsafeStatementSyntax or FixedStatementSyntax or PointerTypeSyntax:
                    Flags.Add((SafetyFlag.UnsafeCode, node));
                    break;
                case MemberDeclarationSyntax member when member.Modifiers.Any(SyntaxKind.UnsafeKeyword):
                    Flags.Add((SafetyFlag.UnsafeCode, member));
                    break;
                case QualifiedNameSyntax qualified when qualified.ToString().StartsWith("System.Reflection.Emit", StringComparison.Ordinal):
                    Flags.Add((SafetyFlag.ReflectionEmit, qualified));
                    break;
            }
        }

        private void VisitName(SyntaxNode node, string name)
        {
            // Names as part of a member access are visited once, through the name on the right.
            if (RetryNames.Contains(name, StringComparer.Ordinal))
            {
                Add(FixPatternKind.Retry, node);
            }

            if (BackoffNames.Contains(name, StringComparer.Ordinal))
            {
                Add(FixPatternKind.Backoff, node);
            }

            if (name.Contains("CircuitBreaker", StringComparison.Ordinal) || name == "BreakDuration")
            {
                Add(FixPatternKind.CircuitBreaker, node);
            }

            if (CacheNames.Contains(name, StringComparer.Ordinal))
            {
                Add(FixPatternKind.Caching, node);
            }

            switch (name)
            {
                case "AssemblyBuilder" or "ILGenerator" or "DynamicMethod" or "TypeBuilder" or "ModuleBuilder" or "DefineDynamicAssembly":
                    Flags.Add((SafetyFlag.ReflectionEmit, node));
                    break;
                case "AssemblyLoadContext" or "LoadFromAssemblyPath" or "LoadFromStream":
                    Flags.Add((SafetyFlag.AssemblyLoading, node));
                    break;
                case "RegistryKey":
                case "Registry" when node.Parent is MemberAccessExpressionSyntax access && access.Expression == node:
                case "Win32" when node.Parent is QualifiedNameSyntax { Right.Identifier.Text: "Registry" }:
                    Flags.Add((SafetyFlag.Registry, node));
                    break;
            }
        }

        private void VisitInvocation(InvocationExpressionSyntax invocation)
        {
            var callee = invocation.Expression.ToString();
            var name = Name(invocation.Expression);
            var receiver = invocation.Expression is MemberAccessExpressionSyntax access ? access.Expression.ToString() : "";
            var last = LastSegment(receiver);
            switch (name)
            {
                case "Start" when last is "Process" || receiver.Contains("Process", StringComparison.Ordinal):
                    Flags.Add((SafetyFlag.ProcessStart, invocation));
                    break;
                case "Delete" when last == "File" || receiver.Contains("FileInfo", StringComparison.Ordinal) || (receiver.Contains("file", StringComparison.OrdinalIgnoreCase) && !receiver.Contains("dir", StringComparison.OrdinalIgnoreCase)):
                    Flags.Add((SafetyFlag.FileDeletion, invocation));
                    break;
                case "Delete" when last == "Directory" || receiver.Contains("DirectoryInfo", StringComparison.Ordinal) || receiver.Contains("dir", StringComparison.OrdinalIgnoreCase) || receiver.Contains("folder", StringComparison.OrdinalIgnoreCase):
                    Flags.Add((SafetyFlag.DirectoryDeletion, invocation));
                    break;
                case "Load" or "LoadFrom" or "LoadFile" when last == "Assembly":
                    Flags.Add((SafetyFlag.AssemblyLoading, invocation));
                    break;
                case "Exit" or "FailFast" when last == "Environment":
                    Flags.Add((SafetyFlag.EnvironmentExit, invocation));
                    break;
                case "Pow" when last == "Math":
                    Add(FixPatternKind.Backoff, invocation);
                    break;
                case "ThrowIfNull" or "ThrowIfNullOrEmpty" or "ThrowIfNullOrWhiteSpace":
                    Add(FixPatternKind.NullGuard, invocation);
                    break;
                case "CancelAfter":
                    Add(FixPatternKind.TimeoutChanged, invocation, "CancelAfter", invocation.ArgumentList.ToString());
                    break;
                case "SetMinThreads" or "SetMaxThreads":
                    Add(FixPatternKind.PoolSize, invocation, name, invocation.ArgumentList.ToString());
                    break;
                case not null when name.Contains("Timeout", StringComparison.Ordinal):
                    Add(FixPatternKind.TimeoutChanged, invocation, Setting(name), invocation.ArgumentList.ToString());
                    break;
            }

            _ = callee;
        }

        private void VisitCreation(ObjectCreationExpressionSyntax creation, string type)
        {
            switch (LastSegment(type))
            {
                case "Socket":
                    Flags.Add((SafetyFlag.RawSocket, creation));
                    break;
                case "CancellationTokenSource" when creation.ArgumentList is { Arguments.Count: > 0 } arguments:
                    Add(FixPatternKind.TimeoutChanged, creation, "CancelAfter", arguments.ToString());
                    break;
                case "Process":
                    Flags.Add((SafetyFlag.ProcessStart, creation));
                    break;
            }
        }

        private void VisitAttribute(AttributeSyntax attribute, string name)
        {
            switch (name)
            {
                case "DllImport" or "DllImportAttribute" or "LibraryImport" or "LibraryImportAttribute":
                    Flags.Add((SafetyFlag.PInvoke, attribute));
                    break;
                case "OutputCache" or "OutputCacheAttribute" or "ResponseCache" or "ResponseCacheAttribute":
                    Add(FixPatternKind.Caching, attribute);
                    break;
            }
        }

        // A member set (assignment, initialiser or named argument) whose name says it is a timeout or a pool limit.
        private void VisitSetting(SyntaxNode node, string? name, string value)
        {
            if (name is null)
            {
                return;
            }

            if (name.Contains("Timeout", StringComparison.Ordinal) || name == "timeout")
            {
                Add(FixPatternKind.TimeoutChanged, node, name == "timeout" ? "Timeout" : name, value);
            }
            else if (name.Contains("PoolSize", StringComparison.Ordinal) || name.Contains("MaxConnections", StringComparison.Ordinal)
                     || name is "ConnectionLimit" or "MaxConcurrency" or "MaxDegreeOfParallelism" or "PermitLimit")
            {
                Add(FixPatternKind.PoolSize, node, name, value);
            }
        }

        private void VisitConnectionString(SyntaxNode node, string text)
        {
            foreach (Match m in ConnectionStringTimeout().Matches(text))
            {
                Add(FixPatternKind.TimeoutChanged, node, CultureInfo.InvariantCulture.TextInfo.ToTitleCase(m.Groups["name"].Value.ToLowerInvariant()), m.Groups["value"].Value);
            }

            foreach (Match m in ConnectionStringPool().Matches(text))
            {
                Add(FixPatternKind.PoolSize, node, m.Groups["name"].Value, m.Groups["value"].Value);
            }
        }

        private static string? Name(ExpressionSyntax expression) => expression switch
        {
            IdentifierNameSyntax id => id.Identifier.Text,
            GenericNameSyntax generic => generic.Identifier.Text,
            MemberAccessExpressionSyntax access => access.Name.Identifier.Text,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.Text,
            QualifiedNameSyntax qualified => qualified.Right.Identifier.Text,
            _ => null,
        };

        private static string Name(NameSyntax name) => name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.Text,
            SimpleNameSyntax simple => simple.Identifier.Text,
            _ => name.ToString(),
        };

        // "SetCommandTimeout", "WithTimeout", "TimeoutAsync" → "CommandTimeout", "Timeout", "Timeout".
        private static string Setting(string method)
        {
            foreach (var prefix in new[] { "Set", "With", "Add", "Use" })
            {
                if (method.Length > prefix.Length && method.StartsWith(prefix, StringComparison.Ordinal) && char.IsUpper(method[prefix.Length]))
                {
                    method = method[prefix.Length..];
                    break;
                }
            }

            return method.EndsWith("Async", StringComparison.Ordinal) ? method[..^5] : method;
        }

        private static string LastSegment(string text)
        {
            var dot = text.LastIndexOf('.');
            return dot < 0 ? text : text[(dot + 1)..];
        }
    }
}
