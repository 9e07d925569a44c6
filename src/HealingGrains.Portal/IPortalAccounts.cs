namespace HealingGrains.Portal;

/// <summary>Creating portal accounts, implemented by the host (which owns password hashing and its rules).</summary>
public interface IPortalAccounts
{
    /// <summary>Creates an admin account in the tenant; null when created, else what is wrong in words.</summary>
    Task<string?> CreateAdminAsync(string tenantId, string userName, string password);
}
