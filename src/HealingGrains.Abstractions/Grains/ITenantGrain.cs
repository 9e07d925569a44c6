using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.State;

namespace HealingGrains.Abstractions.Grains;

/// <summary>A tenant: its name, hashed keys and deployments. Key: the tenant id.</summary>
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Creates the tenant and issues its first admin and ingest keys; null when it already exists.</summary>
    Task<TenantKeys?> CreateAsync(string name);

    /// <summary>The tenant, or null when it does not exist.</summary>
    Task<TenantInfo?> GetAsync();

    /// <summary>The kind of the key with this SHA-256 hash, or null when it is not one of this tenant's keys.</summary>
    /// <remarks>
    /// Interleaves with the grain's other calls (it only reads memory): a request that needs it does not wait behind a
    /// state write that storage holds up, so it is answered (or refused) within the storage timeout.
    /// </remarks>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<ApiKeyKind?> AuthenticateAsync(string keyHash);

    /// <summary>Issues new admin and ingest keys; the old ones stop working at once.</summary>
    Task<TenantKeys> RotateKeysAsync();

    /// <summary>Records that the tenant has this deployment.</summary>
    Task AddDeploymentAsync(string deployment);

    /// <summary>Creates a portal account with an already hashed password; false when the name is taken.</summary>
    Task<bool> CreateUserAsync(string userName, string passwordHash, string role);

    /// <summary>Replaces an account's password hash and unlocks it; false when there is no such account.</summary>
    Task<bool> ResetPasswordAsync(string userName, string passwordHash);

    /// <summary>The tenant's portal accounts by name (hashes included: callers must not show them).</summary>
    Task<IReadOnlyDictionary<string, PortalUser>> ListUsersAsync();

    /// <summary>The account, or null when there is none.</summary>
    Task<PortalUser?> GetUserAsync(string userName);

    /// <summary>Counts a sign-in attempt; after 5 failures in a row the account is locked for 15 minutes.</summary>
    Task<PortalUser?> RecordSignInAsync(string userName, bool succeeded);

    /// <summary>The tenant's safety policy (a new tenant's: every action needs approval).</summary>
    /// <remarks>
    /// Interleaves with the grain's other calls (it only reads memory): a request that needs it does not wait behind a
    /// state write that storage holds up, so it is answered (or refused) within the storage timeout.
    /// </remarks>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<PolicyInfo> GetPolicyAsync();

    /// <summary>Replaces the policy with <paramref name="policy"/> (its version is set here) and audits the change.</summary>
    Task<PolicyInfo> UpdatePolicyAsync(PolicyInfo policy, string actor);
}
