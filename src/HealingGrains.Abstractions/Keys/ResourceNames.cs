using System.Text.RegularExpressions;

namespace HealingGrains.Abstractions.Keys;

/// <summary>
/// The one place that says what a valid tenant id, deployment name and fingerprint id look like.
/// </summary>
/// <remarks>
/// The rules keep every name usable as part of a grain key, a URL segment and an Azure Table key without escaping:
/// none may contain <c>/</c>, which separates the parts of composite keys.
/// </remarks>
public static partial class ResourceNames
{
    /// <summary>What a tenant id may look like, said in words for error messages.</summary>
    public const string TenantIdRule = "1 to 63 lowercase letters, digits or hyphens, starting and ending with a letter or digit";

    /// <summary>What a deployment name may look like, said in words for error messages.</summary>
    public const string DeploymentRule = "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit";

    /// <summary>What a fingerprint id looks like, said in words for error messages.</summary>
    public const string FingerprintRule = "16 lowercase hexadecimal digits";

    /// <summary>Whether <paramref name="value"/> is a valid tenant id.</summary>
    public static bool IsValidTenantId(string? value) => value is not null && TenantIdPattern().IsMatch(value);

    /// <summary>Whether <paramref name="value"/> is a valid deployment name.</summary>
    public static bool IsValidDeployment(string? value) => value is not null && DeploymentPattern().IsMatch(value);

    /// <summary>Whether <paramref name="value"/> is a valid fingerprint id.</summary>
    public static bool IsValidFingerprintId(string? value) => value is not null && FingerprintPattern().IsMatch(value);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex TenantIdPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex DeploymentPattern();

    [GeneratedRegex("^[0-9a-f]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex FingerprintPattern();
}
