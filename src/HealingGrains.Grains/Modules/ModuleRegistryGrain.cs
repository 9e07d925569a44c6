using System.Security.Cryptography;
using System.Text;
using HealingGrains.Core.Modules;
using HealingGrains.Storage;
using Microsoft.Extensions.Options;

namespace HealingGrains.Grains.Modules;

/// <inheritdoc cref="IModuleRegistryGrain"/>
public sealed partial class ModuleRegistryGrain(
    [PersistentState(stateName: "modules", storageName: GrainStorageNames.State)] IPersistentState<ModuleRegistryState> registry,
    IRowStore rows,
    IOptions<ModuleRegistryOptions> options,
    TimeProvider time) : Grain, IModuleRegistryGrain
{
    /// <summary>
    /// The row-store table of manifests, one row per tenant and manifest, keyed by the manifest's SHA-256: the state and
    /// its snapshots hold only the hash, so they stay small however many snapshots share a large manifest.
    /// </summary>
    public const string ManifestTable = "modulemanifests";

    // The most reasons (and field errors) an attempt keeps in the log.
    private const int MaxReasons = 50;

    // The installed modules parsed, built-in first; rebuilt after every change to the installed set.
    private List<HealingModule>? _modules;

    // Manifests read or written, by hash.
    private readonly Dictionary<string, string> _manifests = new(StringComparer.Ordinal);

    private string TenantId => this.GetPrimaryKeyString();

    /// <inheritdoc/>
    public async Task<ModuleIntegrationReport> IntegrateAsync(string manifestJson, string actor)
    {
        ArgumentNullException.ThrowIfNull(manifestJson);
        var report = new ModuleIntegrationReport { Attempt = registry.State.AttemptCount + 1, At = time.GetUtcNow(), By = actor };
        var (module, errors) = HealingModule.Parse(manifestJson);
        if (module is null)
        {
            // The attempt log is kept in the state: a manifest with thousands of mistakes keeps its first MaxReasons.
            foreach (var group in errors.GroupBy(e => e.Path, StringComparer.Ordinal).Take(MaxReasons))
            {
                report.FieldErrors[group.Key] = [.. group.Select(e => e.Message)];
            }

            return await RefuseAsync(report, "parse", $"The manifest is invalid: {errors.Count} field error(s).", [.. errors.Select(e => $"{e.Path}: {e.Message}")]);
        }

        report.ModuleId = module.Id;
        report.Version = module.Version.ToString();
        report.Steps.Add(new() { Name = "parse", Passed = true, Detail = $"{module.Id} {module.Version}: {module.Rules.Count} rule(s), {module.Tests.Count} test(s), kinds {string.Join(", ", module.Kinds)}." });

        var environment = await EnvironmentAsync();
        var refusals = ModuleIntegration.Compatibility(module, environment.Module).ToList();
        if (module.Id == BuiltInModules.Rules.Id)
        {
            refusals.Add($"{module.Id} is the built-in module's id; a tenant's module needs its own.");
        }

        if (refusals.Count > 0)
        {
            return await RefuseAsync(report, "compatibility", $"{refusals.Count} incompatibility(ies).", refusals);
        }

        report.Steps.Add(new() { Name = "compatibility", Passed = true, Detail = $"Platform {HealingPlatform.Version}, kinds allowed by the policy and run by a deployment, no downgrade, no conflicting rule." });

        var failures = module.RunTests();
        if (failures.Count > 0)
        {
            return await RefuseAsync(report, "tests", $"{failures.Count} of {module.Tests.Count} own test(s) failed.", [.. failures]);
        }

        report.Steps.Add(new() { Name = "tests", Passed = true, Detail = $"All {module.Tests.Count} own test(s) passed." });

        var incidents = await RecordedIncidentsAsync();
        var settings = options.Value;
        var replay = ModuleIntegration.Replay(module, incidents, environment.AllowedKinds, settings.ReplayFloor, settings.ReplayMinimumTries);
        report.Replay = Summary(replay);
        var replayDetail = $"{replay.Incidents} recorded incident(s): would propose {Describe(replay.Proposed)}; agreed with what worked {replay.Agreed} time(s), proposed what failed {replay.Disagreed} time(s).";
        if (replay.Refusal is { } refusal)
        {
            return await RefuseAsync(report, "replay", replayDetail, [refusal]);
        }

        report.Steps.Add(new() { Name = "replay", Passed = true, Detail = replayDetail });

        // The snapshot and the install are one state write: a crash leaves either both or neither.
        var previous = registry.State.Installed.Find(m => m.Id == module.Id);
        var snapshot = TakeSnapshot(actor, $"install {module.Id} {module.Version}");
        report.SnapshotId = snapshot.Id;
        report.Steps.Add(new() { Name = "snapshot", Passed = true, Detail = $"Snapshot {snapshot.Id} of {snapshot.Modules.Count} installed module(s)." });
        var hash = await StoreManifestAsync(manifestJson);
        registry.State.Installed.RemoveAll(m => m.Id == module.Id);
        registry.State.Installed.Add(new InstalledModule { Id = module.Id, Version = module.Version.ToString(), Manifest = "", ManifestHash = hash, InstalledAt = report.At, By = actor });
        registry.State.Installed.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        _modules = null;
        report.Installed = true;
        report.Steps.Add(new() { Name = "install", Passed = true, Detail = previous is null ? $"Installed {module.Id} {module.Version}." : $"Replaced {module.Id} {previous.Version} with {module.Version}." });
        Log(report);
        await registry.WriteStateAsync();
        await AuditAsync(actor, "module.integrated", module.Id, $"{module.Version}; snapshot {snapshot.Id}; {replayDetail}");
        return report;
    }

    /// <inheritdoc/>
    public async Task<ModuleRegistryInfo> ListAsync()
    {
        var snapshots = new List<ModuleSnapshot>(registry.State.Snapshots.Count);
        foreach (var s in registry.State.Snapshots)
        {
            snapshots.Add(new ModuleSnapshot { Id = s.Id, TakenAt = s.TakenAt, By = s.By, Before = s.Before, Modules = await WithManifestsAsync(s.Modules) });
        }

        return new ModuleRegistryInfo
        {
            Installed = await WithManifestsAsync(registry.State.Installed),
            Snapshots = snapshots,
            Attempts = [.. Enumerable.Reverse(registry.State.Attempts)],
        };
    }

    /// <inheritdoc/>
    public async Task<ModuleRegistryChange> RollbackAsync(int? snapshotId, string actor)
    {
        var snapshot = snapshotId is { } id ? registry.State.Snapshots.Find(s => s.Id == id) : registry.State.Snapshots.LastOrDefault();
        if (snapshot is null)
        {
            return new ModuleRegistryChange
            {
                Problem = snapshotId is null ? "There is no snapshot to roll back to." : $"No snapshot {snapshotId} (kept: {string.Join(", ", registry.State.Snapshots.Select(s => s.Id))}).",
                Installed = await WithManifestsAsync(registry.State.Installed),
            };
        }

        var before = string.Join(", ", registry.State.Installed.Select(m => $"{m.Id} {m.Version}"));
        registry.State.Installed = [.. snapshot.Modules];
        _modules = null;
        await registry.WriteStateAsync();
        await AuditAsync(actor, "module.rolledback", "*", $"to snapshot {snapshot.Id} (taken before {snapshot.Before}); was [{before}], now [{string.Join(", ", snapshot.Modules.Select(m => $"{m.Id} {m.Version}"))}]");
        return new ModuleRegistryChange { Installed = await WithManifestsAsync(registry.State.Installed), SnapshotId = snapshot.Id };
    }

    /// <inheritdoc/>
    public async Task<List<ModuleMatch>> MatchAsync(ModuleQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        _modules ??= [BuiltInModules.Rules, .. await InstalledModulesAsync()];
        var situation = new ModuleSituation
        {
            Category = query.Category,
            ExceptionType = query.ExceptionType,
            Template = query.Template,
            FollowsVersion = query.FollowsVersion,
            Deployment = query.Deployment,
            Metrics = query.Metrics,
        };
        var allowed = query.Allowed.ToHashSet(StringComparer.Ordinal);
        var matches = _modules
            .SelectMany(m => m.Evaluate(situation, allowed).Select(p => new ModuleMatch
            {
                Module = m.Id,
                Version = m.Version.ToString(),
                Rule = p.Rule,
                Kind = p.Kind,
                Parameters = new(p.Parameters, StringComparer.Ordinal),
                Priority = p.Priority,
                BuiltIn = ReferenceEquals(m, BuiltInModules.Rules),
            }))
            .OrderByDescending(m => m.Priority)
            .ThenBy(m => m.BuiltIn)
            .ToList();
        return matches;
    }

    /// <inheritdoc/>
    public async Task<ModuleRegistryChange> UninstallAsync(string moduleId, string actor)
    {
        var installed = registry.State.Installed.Find(m => m.Id == moduleId);
        if (installed is null)
        {
            return new ModuleRegistryChange { Problem = $"Module {moduleId} is not installed.", Installed = await WithManifestsAsync(registry.State.Installed) };
        }

        var snapshot = TakeSnapshot(actor, $"uninstall {moduleId}");
        registry.State.Installed.Remove(installed);
        _modules = null;
        await registry.WriteStateAsync();
        await AuditAsync(actor, "module.uninstalled", moduleId, $"{installed.Version}; snapshot {snapshot.Id}");
        return new ModuleRegistryChange { Installed = await WithManifestsAsync(registry.State.Installed), SnapshotId = snapshot.Id };
    }

    private async Task<ModuleIntegrationReport> RefuseAsync(ModuleIntegrationReport report, string step, string detail, List<string> reasons)
    {
        report.Steps.Add(new() { Name = step, Passed = false, Detail = detail });
        report.Reasons.AddRange(reasons.Take(MaxReasons));
        if (reasons.Count > MaxReasons)
        {
            report.Reasons.Add($"… and {reasons.Count - MaxReasons} more.");
        }

        Log(report);
        await registry.WriteStateAsync();
        await AuditAsync(report.By, "module.refused", report.ModuleId ?? "invalid", $"{report.Version ?? "?"} at {step}: {string.Join(" ", reasons)}");
        return report;
    }

    private ModuleSnapshot TakeSnapshot(string actor, string before)
    {
        var snapshot = new ModuleSnapshot
        {
            Id = ++registry.State.SnapshotCount,
            TakenAt = time.GetUtcNow(),
            By = actor,
            Before = before,
            Modules = [.. registry.State.Installed],
        };
        registry.State.Snapshots.Add(snapshot);
        var excess = registry.State.Snapshots.Count - options.Value.MaxSnapshots;
        if (excess > 0)
        {
            registry.State.Snapshots.RemoveRange(0, excess);
        }

        return snapshot;
    }

    private void Log(ModuleIntegrationReport report)
    {
        registry.State.AttemptCount = report.Attempt;
        registry.State.Attempts.Add(report);
        var excess = registry.State.Attempts.Count - options.Value.MaxAttempts;
        if (excess > 0)
        {
            registry.State.Attempts.RemoveRange(0, excess);
        }
    }

    private Task<AuditRecord> AuditAsync(string actor, string @event, string moduleId, string detail) =>
        GrainFactory.GetGrain<IAuditLogGrain>(TenantId).AppendAsync(actor, @event, $"module/{moduleId}", detail);

    private static string Describe(IReadOnlyDictionary<string, int> proposed) =>
        proposed.Count == 0 ? "nothing" : string.Join(", ", proposed.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}×"));

    private static ModuleReplaySummary Summary(ReplayResult replay) => new()
    {
        Incidents = replay.Incidents,
        Proposed = new(replay.Proposed, StringComparer.Ordinal),
        Agreed = replay.Agreed,
        Disagreed = replay.Disagreed,
        RecordedSuccess = replay.RecordedSuccess.ToDictionary(
            r => r.Key,
            r => new ModuleKindRecord { Rate = double.IsNaN(r.Value.Rate) ? null : r.Value.Rate, Tries = r.Value.Tries },
            StringComparer.Ordinal),
    };

    /// <summary>The installed modules that parse (one that no longer does under a stricter schema is left out).</summary>
    private async Task<List<HealingModule>> InstalledModulesAsync() =>
        [.. (await WithManifestsAsync(registry.State.Installed)).Select(m => HealingModule.Parse(m.Manifest).Module).OfType<HealingModule>()];

    private async Task<string> StoreManifestAsync(string manifest)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest)));
        if (!_manifests.ContainsKey(hash) && await rows.ReadAsync(ManifestTable, RowKeys.Escape(TenantId), hash) is null)
        {
            try
            {
                await rows.WriteAsync(ManifestTable, RowKeys.Escape(TenantId), hash, Encoding.UTF8.GetBytes(manifest), expectedETag: null);
            }
            catch (RowConflictException)
            {
                // Written by an earlier attempt whose state write did not follow: the same content under the same hash.
            }
        }

        _manifests[hash] = manifest;
        return hash;
    }

    /// <summary>Copies of <paramref name="modules"/> with their manifests' text (state written before manifests had rows holds it inline).</summary>
    private async Task<List<InstalledModule>> WithManifestsAsync(List<InstalledModule> modules)
    {
        var filled = new List<InstalledModule>(modules.Count);
        foreach (var m in modules)
        {
            if (m.ManifestHash is not { } hash)
            {
                filled.Add(m);
                continue;
            }

            if (!_manifests.TryGetValue(hash, out var text))
            {
                var row = await rows.ReadAsync(ManifestTable, RowKeys.Escape(TenantId), hash)
                    ?? throw new InvalidOperationException($"The manifest of {m.Id} {m.Version} (row {hash}) is missing from table {ManifestTable}.");
                text = Encoding.UTF8.GetString(row.Data.Span);
                _manifests[hash] = text;
            }

            filled.Add(new InstalledModule { Id = m.Id, Version = m.Version, Manifest = text, ManifestHash = hash, InstalledAt = m.InstalledAt, By = m.By });
        }

        return filled;
    }
}
