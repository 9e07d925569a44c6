namespace HealingGrains.Grains;

/// <inheritdoc cref="ITenantDirectoryGrain"/>
public sealed class TenantDirectoryGrain(
    [PersistentState(stateName: "tenants", storageName: GrainStorageNames.State)] IPersistentState<TenantDirectoryState> directory)
    : Grain, ITenantDirectoryGrain
{
    /// <inheritdoc/>
    public async Task AddAsync(string tenantId)
    {
        if (directory.State.Tenants.Add(tenantId))
        {
            await directory.WriteStateAsync();
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. directory.State.Tenants]);
}
