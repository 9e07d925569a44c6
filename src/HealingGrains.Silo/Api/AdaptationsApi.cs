using System.Text.Json;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Core.Adaptation;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealingGrains.Silo.Api;

/// <summary>
/// <c>POST /api/v1/adaptations</c> (admin): a C# fix for one of the tenant's fingerprints, read by Roslyn's parser only
/// (never compiled, loaded or run), and what it teaches: new behaviours (candidate rules), patterns rejected with the
/// reason, and safety flags.
/// </summary>
internal static class AdaptationsApi
{
    /// <summary>The most files one fix may have.</summary>
    public const int MaxFiles = 100;

    public static IEndpointRouteBuilder MapAdaptationsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v1/adaptations").WithTags("Adaptations").RequireAuthorization(HealingClaims.AdminPolicy)
            .MapPost("/", AnalyseAsync)
            .WithName("AnalyseAdaptation")
            .WithSummary("Reads a C# fix (files before and after, or a unified diff) for a fingerprint and returns the behaviours it teaches, the patterns rejected and the safety flags. The code is parsed, never compiled or run.")
            .Accepts<AdaptationRequest>("application/json");
        return routes;
    }

    private static async Task<Results<Ok<AdaptationResponse>, ProblemHttpResult>> AnalyseAsync(
        HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, ApiJsonContext.Default.AdaptationRequest, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (string.IsNullOrWhiteSpace(body!.Fingerprint) || !ResourceNames.IsValidFingerprintId(body.Fingerprint))
        {
            return Problems.Invalid("fingerprint", "Required: the id of the fingerprint the fix is for.");
        }

        if ((body.Diff is null) == (body.Files is null))
        {
            return Problems.Invalid("$", "Send either diff (a unified diff) or files (path, before, after), not both and not neither.");
        }

        IReadOnlyList<SourceChange> changes;
        if (body.Diff is { } diff)
        {
            try
            {
                changes = UnifiedDiff.Parse(diff);
            }
            catch (FormatException ex)
            {
                return Problems.Invalid("diff", $"Not a unified diff: {ex.Message}");
            }
        }
        else
        {
            var files = body.Files!;
            for (var i = 0; i < files.Count; i++)
            {
                if (files[i] is null || string.IsNullOrWhiteSpace(files[i].Path) || files[i].Path.Length > 400)
                {
                    return Problems.Invalid($"files[{i}].path", "Required: the file's path, at most 400 characters.");
                }

                if (files[i].Before is null && files[i].After is null)
                {
                    return Problems.Invalid($"files[{i}]", "A file needs before, after or both.");
                }
            }

            changes = [.. files.Select(f => new SourceChange(f.Path, f.Before ?? "", f.After ?? ""))];
        }

        if (changes.Count == 0)
        {
            return Problems.Invalid(body.Diff is null ? "files" : "diff", "The fix changes no file.");
        }

        if (changes.Count > MaxFiles)
        {
            return Problems.Invalid(body.Diff is null ? "files" : "diff", $"At most {MaxFiles} files per fix; this one has {changes.Count}.");
        }

        var tenantId = context.User.TenantId();
        var fingerprint = await grains.GetGrain<IFingerprintGrain>(FingerprintKey.Format(tenantId, body.Fingerprint)).GetAsync();
        if (fingerprint is null)
        {
            return Problems.NotFound($"No fingerprint '{body.Fingerprint}' in this tenant.");
        }

        var analysis = FixAnalyzer.Analyze(changes, fingerprint.Id, fingerprint.ExceptionType);
        var draft = ModuleDraft.From(analysis, fingerprint.Id, fingerprint.Template);
        using var module = draft is null ? null : JsonDocument.Parse(draft);
        return TypedResults.Ok(new AdaptationResponse
        {
            Fingerprint = fingerprint.Id,
            Files = changes.Count,
            Behaviours = [.. analysis.Behaviours.Select(b => new AdaptationBehaviour
            {
                Kind = b.Kind, ExceptionType = b.ExceptionType, Parameters = new(b.Parameters), Priority = b.Priority, From = b.From.ToString(),
            })],
            Rejected = [.. analysis.Rejected.Select(r => new AdaptationRejected { Pattern = Pattern(r.Pattern), Reason = r.Reason })],
            Patterns = [.. analysis.Patterns.Select(Pattern)],
            Flags = [.. analysis.Flags.Select(f => new AdaptationFlag { Flag = f.Flag.ToString(), File = f.File, Line = f.Line, Code = f.Code })],
            Module = module?.RootElement.Clone(),
        });
    }

    private static AdaptationPattern Pattern(FixPattern p) => new() { Kind = p.Kind.ToString(), Detail = p.Detail, File = p.File, Line = p.Line, Code = p.Code };
}

/// <summary>A fix to analyse: its fingerprint and either a unified diff or its files.</summary>
public sealed record AdaptationRequest
{
    /// <summary>The fingerprint the fix is for.</summary>
    public string Fingerprint { get; init; } = "";

    /// <summary>A unified diff (as git diff writes it).</summary>
    public string? Diff { get; init; }

    /// <summary>The changed files, before and after.</summary>
    public List<AdaptationFile>? Files { get; init; }
}

/// <summary>One changed file.</summary>
public sealed record AdaptationFile
{
    /// <summary>Its path.</summary>
    public string Path { get; init; } = "";

    /// <summary>The code before the fix (null: a new file).</summary>
    public string? Before { get; init; }

    /// <summary>The code after the fix (null: a deleted file).</summary>
    public string? After { get; init; }
}

/// <summary>What a fix teaches.</summary>
public sealed record AdaptationResponse
{
    /// <summary>The fingerprint.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Files read.</summary>
    public int Files { get; init; }

    /// <summary>Candidate rules: they become a module only through integration and an admin's approval.</summary>
    public required List<AdaptationBehaviour> Behaviours { get; init; }

    /// <summary>Patterns found but not learned, and why.</summary>
    public required List<AdaptationRejected> Rejected { get; init; }

    /// <summary>Every pattern the fix added.</summary>
    public required List<AdaptationPattern> Patterns { get; init; }

    /// <summary>Dangerous code in the fix.</summary>
    public required List<AdaptationFlag> Flags { get; init; }

    /// <summary>
    /// A draft module manifest of the behaviours (null when there are none): installed only when an admin sends it to
    /// <c>POST /api/v1/modules</c>, through every integration check.
    /// </summary>
    public JsonElement? Module { get; init; }
}

/// <summary>A candidate rule.</summary>
public sealed record AdaptationBehaviour
{
    /// <summary>The action kind it proposes.</summary>
    public required string Kind { get; init; }

    /// <summary>The exception type it matches, if any (else the fingerprint).</summary>
    public string? ExceptionType { get; init; }

    /// <summary>The action's parameters.</summary>
    public required Dictionary<string, string> Parameters { get; init; }

    /// <summary>Higher first.</summary>
    public int Priority { get; init; }

    /// <summary>The pattern it comes from.</summary>
    public required string From { get; init; }
}

/// <summary>A rejected pattern.</summary>
public sealed record AdaptationRejected
{
    /// <summary>The pattern.</summary>
    public required AdaptationPattern Pattern { get; init; }

    /// <summary>Why it is not learned.</summary>
    public required string Reason { get; init; }
}

/// <summary>A pattern found in a fix.</summary>
public sealed record AdaptationPattern
{
    /// <summary>CatchAdded, Retry, Backoff, TimeoutChanged, NullGuard, CircuitBreaker, PoolSize or Caching.</summary>
    public required string Kind { get; init; }

    /// <summary>The exception type or the setting, for the kinds that have one.</summary>
    public string? Detail { get; init; }

    /// <summary>The file.</summary>
    public required string File { get; init; }

    /// <summary>The line in the code read (for a diff: in the hunks' after side).</summary>
    public int Line { get; init; }

    /// <summary>The code, shortened.</summary>
    public required string Code { get; init; }
}

/// <summary>Dangerous code found in a fix.</summary>
public sealed record AdaptationFlag
{
    /// <summary>ProcessStart, FileDeletion, DirectoryDeletion, ReflectionEmit, AssemblyLoading, PInvoke, UnsafeCode, EnvironmentExit, RawSocket or Registry.</summary>
    public required string Flag { get; init; }

    /// <summary>The file.</summary>
    public required string File { get; init; }

    /// <summary>The line.</summary>
    public int Line { get; init; }

    /// <summary>The code, shortened.</summary>
    public required string Code { get; init; }
}
