using Orleans.Concurrency;
using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Abstractions.Grains;

/// <summary>
/// A tenant's installed healing modules. Integration runs every check in isolation (parse, compatibility, the module's
/// own tests, a replay of the tenant's recorded incidents) and then snapshots the installed set and installs in one
/// state write; rollback restores a snapshot exactly. Every step is logged and audited. Key: the tenant id.
/// </summary>
public interface IModuleRegistryGrain : IGrainWithStringKey
{
    /// <summary>Checks a manifest and installs it, or refuses it with every reason; the report is kept in the attempt log.</summary>
    Task<ModuleIntegrationReport> IntegrateAsync(string manifestJson, string actor);

    /// <summary>The installed modules, the snapshots and the latest integration attempts.</summary>
    Task<ModuleRegistryInfo> ListAsync();

    /// <summary>Restores the installed set of snapshot <paramref name="snapshotId"/> (default: the latest) exactly.</summary>
    Task<ModuleRegistryChange> RollbackAsync(int? snapshotId, string actor);

    /// <summary>
    /// Every rule of the installed modules and of the built-in module that matches <paramref name="query"/> and proposes an
    /// allowed kind: highest priority first, the tenant's modules before the built-in one at equal priority. This is all the
    /// rule-based healing there is: the fail-safe takes the first, and the learning loop counts the best tenant rule as
    /// evidence.
    /// </summary>
    [ReadOnly]
    Task<List<ModuleMatch>> MatchAsync(ModuleQuery query);

    /// <summary>Takes a snapshot and removes the module; a problem when it is not installed.</summary>
    Task<ModuleRegistryChange> UninstallAsync(string moduleId, string actor);
}
