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
        await GrainFactory.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).AddAsync(this.GetPrimaryKeyString());
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

    /// <summary>Failed sign-ins in a row that lock an account.</summary>
    public const int MaxFailedSignIns = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);

    /// <inheritdoc/>
    public async Task<bool> CreateUserAsync(string userName, string passwordHash, string role)
    {
        if (!Exists || tenant.State.Users.ContainsKey(userName))
        {
            return false;
        }

        tenant.State.Users[userName] = new PortalUser { PasswordHash = passwordHash, Role = role, CreatedAt = time.GetUtcNow() };
        await tenant.WriteStateAsync();
        await GrainFactory.GetGrain<IAuditLogGrain>(this.GetPrimaryKeyString()).AppendAsync("admin:key", "user.created", $"user/{userName}", role);
        return true;
    }

    /// <inheritdoc/>
    public async Task<bool> ResetPasswordAsync(string userName, string passwordHash)
    {
        if (!tenant.State.Users.TryGetValue(userName, out var user))
        {
            return false;
        }

        user.PasswordHash = passwordHash;
        user.FailedAttempts = 0;
        user.LockedUntil = null;
        await tenant.WriteStateAsync();
        await GrainFactory.GetGrain<IAuditLogGrain>(this.GetPrimaryKeyString()).AppendAsync("system", "user.password-reset", $"user/{userName}", null);
        return true;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, PortalUser>> ListUsersAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, PortalUser>>(new Dictionary<string, PortalUser>(tenant.State.Users, StringComparer.Ordinal));

    /// <inheritdoc/>
    public Task<PortalUser?> GetUserAsync(string userName) =>
        Task.FromResult(tenant.State.Users.GetValueOrDefault(userName));

    /// <inheritdoc/>
    public async Task<PortalUser?> RecordSignInAsync(string userName, bool succeeded)
    {
        if (!tenant.State.Users.TryGetValue(userName, out var user))
        {
            return null;
        }

        if (succeeded)
        {
            user.FailedAttempts = 0;
            user.LockedUntil = null;
        }
        else if (++user.FailedAttempts >= MaxFailedSignIns)
        {
            user.LockedUntil = time.GetUtcNow() + Lockout;
            user.FailedAttempts = 0;
        }

        await tenant.WriteStateAsync();
        return user;
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
