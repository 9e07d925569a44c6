using Microsoft.Extensions.Options;

namespace HealingGrains.Silo.Configuration;

/// <summary>Fails start-up with messages that say how to fix a setting.</summary>
internal sealed class HealingGrainsOptionsValidator : IValidateOptions<HealingGrainsOptions>
{
    /// <summary>The shortest operator key accepted.</summary>
    public const int MinOperatorKeyLength = 32;

    public ValidateOptionsResult Validate(string? name, HealingGrainsOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("HealingGrains:DataDirectory is empty: set it to a folder the host may write to (default: data).");
        }

        if (!string.Equals(options.Storage.Provider, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"HealingGrains:Storage:Provider '{options.Storage.Provider}' is not supported: use 'Sqlite'.");
        }

        if (!string.Equals(options.Clustering.Provider, "Localhost", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"HealingGrains:Clustering:Provider '{options.Clustering.Provider}' is not supported: use 'Localhost'.");
        }

        foreach (var (setting, port) in new[] { ("SiloPort", options.Clustering.SiloPort), ("GatewayPort", options.Clustering.GatewayPort) })
        {
            if (port is < 1 or > 65535)
            {
                failures.Add($"HealingGrains:Clustering:{setting} is {port}: use a TCP port between 1 and 65535.");
            }
        }

        if (options.Clustering.SiloPort == options.Clustering.GatewayPort)
        {
            failures.Add("HealingGrains:Clustering:SiloPort and GatewayPort are the same: give them different ports.");
        }

        if (options.Bootstrap.OperatorKey is { } key && key.Trim().Length < MinOperatorKeyLength)
        {
            failures.Add($"HealingGrains:Bootstrap:OperatorKey is shorter than {MinOperatorKeyLength} characters: use a long random key (e.g. `openssl rand -base64 32`), or remove it to have one generated on the embedded default.");
        }

        var oidc = options.Portal.Oidc;
        if (oidc.Enabled)
        {
            if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) || authority.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add($"HealingGrains:Portal:Oidc:Authority '{oidc.Authority}' must be an absolute https URL, e.g. https://login.microsoftonline.com/<directory id>/v2.0.");
            }

            if (string.IsNullOrWhiteSpace(oidc.ClientId))
            {
                failures.Add("HealingGrains:Portal:Oidc:ClientId is missing: set the application (client) id registered for the portal, or remove the Authority to turn OpenID Connect off.");
            }

            if (string.IsNullOrWhiteSpace(oidc.TenantClaim) || string.IsNullOrWhiteSpace(oidc.AdminRole))
            {
                failures.Add("HealingGrains:Portal:Oidc:TenantClaim and AdminRole may not be empty: they say which tenant a user administers.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
