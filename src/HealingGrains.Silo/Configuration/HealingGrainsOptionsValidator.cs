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

        switch (options.Storage.Provider.ToLowerInvariant())
        {
            case "sqlite":
                break;
            case "azuretable":
                if (string.IsNullOrWhiteSpace(options.Storage.ConnectionString) && options.Storage.ServiceUri is null)
                {
                    failures.Add("HealingGrains:Storage:Provider is 'AzureTable' but neither HealingGrains:Storage:ServiceUri (managed identity, e.g. https://<account>.table.core.windows.net) nor HealingGrains:Storage:ConnectionString (Azurite) is set: set one.");
                }
                else if (options.Storage.ServiceUri is { } uri && (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps))
                {
                    failures.Add($"HealingGrains:Storage:ServiceUri '{uri}' must be an absolute https URL such as https://<account>.table.core.windows.net.");
                }

                if (options.Storage.TablePrefix.Any(c => !char.IsAsciiLetterOrDigit(c)))
                {
                    failures.Add("HealingGrains:Storage:TablePrefix may hold only letters and digits.");
                }

                break;
            default:
                failures.Add($"HealingGrains:Storage:Provider '{options.Storage.Provider}' is not supported: use 'Sqlite' (embedded default) or 'AzureTable'.");
                break;
        }

        if (options.Storage.NetworkTimeout < TimeSpan.FromMilliseconds(100) || options.Storage.NetworkTimeout > TimeSpan.FromMinutes(2))
        {
            failures.Add($"HealingGrains:Storage:NetworkTimeout is {options.Storage.NetworkTimeout}: use from 00:00:00.1 to 00:02:00 (default 00:00:03).");
        }

        if (options.Storage.MaxRetries is < 0 or > 10)
        {
            failures.Add($"HealingGrains:Storage:MaxRetries is {options.Storage.MaxRetries}: use 0 to 10 (default 1).");
        }

        ValidateStreams(options.Streams, failures);

        switch (options.Clustering.Provider.ToLowerInvariant())
        {
            case "localhost":
                break;
            case "redis":
                if (string.IsNullOrWhiteSpace(options.Clustering.ConnectionString))
                {
                    failures.Add("HealingGrains:Clustering:Provider is 'Redis' but HealingGrains:Clustering:ConnectionString is empty: set it, e.g. 127.0.0.1:6379.");
                }

                if (options.Clustering.ResolveAdvertisedAddress() is null)
                {
                    failures.Add(string.Equals(options.Clustering.AdvertisedAddress, ClusteringSettings.AutoAddress, StringComparison.OrdinalIgnoreCase)
                        ? "HealingGrains:Clustering:AdvertisedAddress is 'Auto' but this machine has no non-loopback IPv4 address: set the address other silos reach this one at."
                        : $"HealingGrains:Clustering:AdvertisedAddress '{options.Clustering.AdvertisedAddress}' is not an IP address: use the address other silos reach this one at, or 'Auto' for this machine's own.");
                }

                break;
            default:
                failures.Add($"HealingGrains:Clustering:Provider '{options.Clustering.Provider}' is not supported: use 'Localhost' (embedded default) or 'Redis'.");
                break;
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

    private static void ValidateStreams(StreamsSettings streams, List<string> failures)
    {
        if (string.Equals(streams.Provider, "Memory", StringComparison.OrdinalIgnoreCase))
        {
            if (streams.ReadInterval < TimeSpan.FromMilliseconds(1) || streams.ReadInterval > TimeSpan.FromSeconds(1))
            {
                failures.Add($"HealingGrains:Streams:ReadInterval is {streams.ReadInterval}: use from 00:00:00.001 to 00:00:01 (default 00:00:00.005).");
            }

            return;
        }

        if (!streams.IsAzureQueue)
        {
            failures.Add($"HealingGrains:Streams:Provider '{streams.Provider}' is not supported: use 'Memory' (embedded default) or 'AzureQueue' (durable).");
            return;
        }

        if (string.IsNullOrWhiteSpace(streams.ConnectionString) && streams.ServiceUri is null)
        {
            failures.Add("HealingGrains:Streams:Provider is 'AzureQueue' but neither HealingGrains:Streams:ServiceUri (managed identity, e.g. https://<account>.queue.core.windows.net) nor HealingGrains:Streams:ConnectionString (Azurite) is set: set one.");
        }
        else if (streams.ServiceUri is { } uri && (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"HealingGrains:Streams:ServiceUri '{uri}' must be an absolute https URL such as https://<account>.queue.core.windows.net.");
        }

        if (!Storage.Queues.AzureQueueStreamOptions.IsValidPrefix(streams.QueuePrefix))
        {
            failures.Add($"HealingGrains:Streams:QueuePrefix '{streams.QueuePrefix}' is not a valid start of an Azure queue name: use up to 56 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.");
        }

        if (streams.QueueCount is < 1 or > 1024)
        {
            failures.Add($"HealingGrains:Streams:QueueCount is {streams.QueueCount}: use 1 to 1024 (default 8); keep it stable while messages wait in the queues.");
        }

        if (streams.VisibilityTimeout < TimeSpan.FromSeconds(1) || streams.VisibilityTimeout > TimeSpan.FromDays(7))
        {
            failures.Add($"HealingGrains:Streams:VisibilityTimeout is {streams.VisibilityTimeout}: use from 00:00:01 to 7.00:00:00 (default 00:00:30).");
        }
    }
}
