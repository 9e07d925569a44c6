using System.Security.Cryptography;
using System.Text;

namespace HealingGrains.Core.Federation;

/// <summary>
/// What may leave a tenant to name an error: the exception type when it is a public framework's, the category, and the
/// template fully masked, all hashed with the platform's federation key. The masked text never leaves the tenant, only
/// the hash; masking is there so that the same error at two tenants hashes the same.
/// </summary>
public static class FederationSignature
{
    // Namespaces of public frameworks and drivers: their exception types say what failed, not whose code it was.
    private static readonly string[] PublicNamespaces =
    [
        "System.", "Microsoft.", "Azure.", "Npgsql.", "MySql.", "MySqlConnector.", "Oracle.", "MongoDB.", "StackExchange.Redis.",
        "Grpc.", "Google.", "Amazon.", "Polly.", "Newtonsoft.", "Confluent.", "RabbitMQ.", "Orleans.", "Dapper.",
        "java.", "javax.", "jakarta.", "org.apache.", "org.springframework.", "org.hibernate.", "org.postgresql.", "com.mysql.",
        "io.netty.", "io.grpc.", "com.fasterxml.", "com.zaxxer.", "redis.clients.", "software.amazon.", "com.azure.",
        "com.google.", "okhttp3.", "reactor.", "kotlin.", "scala.", "akka.",
    ];

    // Unqualified exception names of language runtimes (Python, JavaScript, Go, Ruby): public by nature.
    private static readonly HashSet<string> PublicNames = new(StringComparer.Ordinal)
    {
        "Error", "TypeError", "RangeError", "ReferenceError", "SyntaxError", "ValueError", "KeyError", "IndexError",
        "AttributeError", "RuntimeError", "TimeoutError", "ConnectionError", "ConnectionResetError", "ConnectionRefusedError",
        "OSError", "IOError", "MemoryError", "PermissionError", "FileNotFoundError", "ZeroDivisionError", "AssertionError",
        "NotImplementedError", "RecursionError", "BrokenPipeError", "OperationalError", "IntegrityError", "StandardError",
        "NoMethodError", "ArgumentError", "NameError",
    };

    /// <summary>The exception type when it belongs to a public framework or runtime; null for the tenant's own types (or none).</summary>
    public static string? PublicExceptionType(string? exceptionType)
    {
        if (string.IsNullOrWhiteSpace(exceptionType) || exceptionType.Length > 200)
        {
            return null;
        }

        var type = exceptionType.Trim();
        return (PublicNames.Contains(type) || PublicNamespaces.Any(n => type.StartsWith(n, StringComparison.Ordinal))) && type.All(IsTypeCharacter)
            ? type
            : null;
    }

    /// <summary>
    /// The template with everything that could name the tenant masked as <c>&lt;*&gt;</c>: only plain words are kept
    /// (letters only, 2 to 24 of them, not capitalised inside: an identifier such as <c>CheckoutService</c> is masked),
    /// and none of the tenant's own terms (its id, deployment and service names, hosts, and their parts).
    /// </summary>
    public static string MaskTemplate(string template, IEnumerable<string> tenantTerms)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(tenantTerms);
        var own = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var term in tenantTerms)
        {
            if (string.IsNullOrWhiteSpace(term))
            {
                continue;
            }

            own.Add(term.Trim());
            foreach (var part in term.Split(['-', '_', '.', '/', ':', ' ', '@'], StringSplitOptions.RemoveEmptyEntries))
            {
                own.Add(part);
            }
        }

        var words = new List<string>();
        foreach (var raw in template.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var word = raw.Trim('.', ',', ';', ':', '!', '?', '(', ')', '[', ']', '{', '}', '"', '\'', '`');
            var kept = IsPlainWord(word) && !own.Contains(word) ? word.ToLowerInvariant() : "<*>";
            if (kept != "<*>" || words.Count == 0 || words[^1] != "<*>")
            {
                words.Add(kept);
            }
        }

        return string.Join(' ', words);
    }

    /// <summary>The signature: HMAC-SHA256 with the platform's federation key over type, category and masked template (32 hex digits).</summary>
    public static string Of(ReadOnlySpan<byte> key, string? publicExceptionType, string category, string maskedTemplate)
    {
        ArgumentNullException.ThrowIfNull(category);
        ArgumentNullException.ThrowIfNull(maskedTemplate);
        if (key.Length < 16)
        {
            throw new ArgumentException("The federation key must have at least 16 bytes.", nameof(key));
        }

        var text = Encoding.UTF8.GetBytes($"{publicExceptionType}\u001f{category}\u001f{maskedTemplate}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, text))[..32];
    }

    /// <summary>A pseudonym for a contributor (a tenant), keyed like signatures: the tenant id never leaves, and the same tenant counts once.</summary>
    public static string Contributor(ReadOnlySpan<byte> key, string tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("contributor\u001f" + tenant)))[..24];
    }

    private static bool IsPlainWord(string word)
    {
        if (word.Length is < 2 or > 24 || word == "<*>")
        {
            return false;
        }

        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            if (!char.IsAsciiLetter(c) || (i > 0 && char.IsAsciiLetterUpper(c)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsTypeCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '$' or '+';
}
