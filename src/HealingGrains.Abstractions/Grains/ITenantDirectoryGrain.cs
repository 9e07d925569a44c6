namespace HealingGrains.Abstractions.Grains;

/// <summary>The list of tenants, for operators. One activation; key: <see cref="Key"/>.</summary>
public interface ITenantDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The only key.</summary>
    const string Key = "all";

    /// <summary>Records a new tenant.</summary>
    Task AddAsync(string tenantId);

    /// <summary>Every tenant id, in order.</summary>
    Task<IReadOnlyList<string>> ListAsync();
}
