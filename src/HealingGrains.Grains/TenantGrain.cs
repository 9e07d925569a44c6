using HealingGrains.Core.Security;

namespace HealingGrains.Grains;

/// <inheritdoc cref="ITenantGrain"/>
public sealed class TenantGrain(
    [PersistentState(stateName: "tenant", storageName: GrainStorageNames.State)] IPersistentState<TenantState> tenant,
    TimeProvider time) : Grain, ITenantGrain
{
    private bool Exists => tenant.State.Name is not null;

    /// <inheritdoc/>
    public async Task<TenantKeys?> CreateAsync(string name)
    {
        if (Exists)
        {
            return null;
        }

        tenant.State.Name = name;
        tenant.State.CreatedAt = time.GetUtcNow();
        var keys = IssueKeys();
        await tenant.WriteStateAsync();
        return keys;
    }

    /// <inheritdoc/>
    public Task<TenantInfo?> GetAsync() => Task.FromResult(
        Exists
            ? new TenantInfo
            {
                Id = this.GetPrimaryKeyString(),
                Name = tenant.State.Name!,
                CreatedAt = tenant.State.CreatedAt,
                Deployments = [.. tenant.State.Deployments],
            }
            : null);

    /// <inheritdoc/>
    public Task<ApiKeyKind?> AuthenticateAsync(string keyHash)
    {
        foreach (var key in tenant.State.Keys)
        {
            if (ApiKeys.HashesEqual(key.Hash, keyHash))
            {
                return Task.FromResult<ApiKeyKind?>(key.Kind);
            }
        }

        return Task.FromResult<ApiKeyKind?>(null);
    }

    /// <inheritdoc/>
    public async Task<TenantKeys> RotateKeysAsync()
    {
        if (!Exists)
        {
            throw new InvalidOperationException($"Tenant '{this.GetPrimaryKeyString()}' does not exist.");
        }

        var keys = IssueKeys();
        await tenant.WriteStateAsync();
        return keys;
    }

    /// <inheritdoc/>
    public async Task AddDeploymentAsync(string deployment)
    {
        if (tenant.State.Deployments.Add(deployment))
        {
            await tenant.WriteStateAsync();
        }
    }

    /// <inheritdoc/>
    public Task<PolicyInfo> GetPolicyAsync() => Task.FromResult(tenant.State.Policy.Clone());

    /// <inheritdoc/>
    public async Task<PolicyInfo> UpdatePolicyAsync(PolicyInfo policy, string actor)
    {
        var updated = policy.Clone();
        updated.Version = tenant.State.Policy.Version + 1;
        tenant.State.Policy = updated;
        await tenant.WriteStateAsync();
        await GrainFactory.GetGrain<IAuditLogGrain>(this.GetPrimaryKeyString())
            .AppendAsync(actor, "policy.changed", "policy", System.Text.Json.JsonSerializer.Serialize(updated, PolicyJson.Default.PolicyInfo));
        return updated.Clone();
    }

    private TenantKeys IssueKeys()
    {
        var id = this.GetPrimaryKeyString();
        var admin = ApiKeys.NewTenantKey(id);
        var ingest = ApiKeys.NewTenantKey(id);
        var now = time.GetUtcNow();
        tenant.State.Keys =
        [
            new ApiKeyRecord { Hash = ApiKeys.Hash(admin), Kind = ApiKeyKind.Admin, IssuedAt = now },
            new ApiKeyRecord { Hash = ApiKeys.Hash(ingest), Kind = ApiKeyKind.Ingest, IssuedAt = now },
        ];
        return new TenantKeys { TenantId = id, AdminKey = admin, IngestKey = ingest };
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(PolicyInfo))]
internal sealed partial class PolicyJson : System.Text.Json.Serialization.JsonSerializerContext;
