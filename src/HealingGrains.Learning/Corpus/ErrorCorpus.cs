using System.Globalization;
using System.Text.RegularExpressions;

namespace HealingGrains.Learning.Corpus;

/// <summary>One labelled error: what a tenant's agent would send, and the healing domain it belongs to.</summary>
/// <param name="Category">The label.</param>
/// <param name="Family">The message family it was written from (what produces such messages).</param>
/// <param name="ExceptionType">The exception type, when the source has one.</param>
/// <param name="Message">The message.</param>
/// <param name="StackTrace">A stack trace, for the families whose errors carry one.</param>
/// <param name="Template">Which of the family's templates it was written from (-1 when it has none: an admin's correction).</param>
public sealed record CorpusEntry(ErrorCategory Category, string Family, string? ExceptionType, string Message, string? StackTrace, int Template = -1);

/// <summary>
/// The labelled error corpus the project ships, written for this project: families of messages modelled on what
/// real stacks print (the family's <see cref="Family.Source"/> says which), with their values drawn from pools by a
/// seeded generator, so the corpus is the same on every machine. Families, not single messages, are the unit of the
/// held-out split: a model is measured on kinds of messages it has not seen.
/// </summary>
public static partial class ErrorCorpus
{
    /// <summary>Messages generated per template of a family.</summary>
    public const int PerTemplate = 5;

    /// <summary>The families, by category.</summary>
    public static IReadOnlyList<Family> Families => CorpusFamilies.All;

    /// <summary>Every entry of the corpus, in a stable order (the same seed gives the same corpus).</summary>
    public static IReadOnlyList<CorpusEntry> Generate(int seed = 20261125)
    {
        var random = new Random(seed);
        var entries = new List<CorpusEntry>(Families.Sum(f => f.Templates.Count) * PerTemplate);
        foreach (var family in Families)
        {
            for (var i = 0; i < family.Templates.Count * PerTemplate; i++)
            {
                var template = i % family.Templates.Count;
                var message = Fill(family.Templates[template], random);
                var stack = family.Stack is null ? null : Fill(family.Stack, random);
                entries.Add(new CorpusEntry(family.Category, family.Name, family.ExceptionType, message, stack, template));
            }
        }

        return entries;
    }

    /// <summary>
    /// Whether the family belongs to the held-out split: every fifth family of each category, so that each category
    /// keeps families on both sides.
    /// </summary>
    public static bool IsHeldOut(Family family)
    {
        ArgumentNullException.ThrowIfNull(family);
        var ofCategory = Families.Where(f => f.Category == family.Category).ToList();
        return ofCategory.IndexOf(family) % 5 == 4;
    }

    /// <summary>
    /// The classifier's held-out split: every family's last template. A model is measured on phrasings it has never
    /// seen, from software whose other messages it has seen (the values alone differing would measure nothing: the
    /// masked text would be the same). <see cref="FamilySplit"/> is the harder measure: families never seen at all.
    /// </summary>
    public static (IReadOnlyList<CorpusEntry> Train, IReadOnlyList<CorpusEntry> HeldOut) Split(int seed = 20261125)
    {
        var last = Families.ToDictionary(f => f.Name, f => f.Templates.Count - 1, StringComparer.Ordinal);
        var entries = Generate(seed);
        return ([.. entries.Where(e => e.Template != last[e.Family])], [.. entries.Where(e => e.Template == last[e.Family])]);
    }

    /// <summary>The split by family (<see cref="IsHeldOut"/>): kinds of software and messages never seen in training.</summary>
    public static (IReadOnlyList<CorpusEntry> Train, IReadOnlyList<CorpusEntry> HeldOut) FamilySplit(int seed = 20261125)
    {
        var heldOut = Families.Where(IsHeldOut).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var entries = Generate(seed);
        return ([.. entries.Where(e => !heldOut.Contains(e.Family))], [.. entries.Where(e => heldOut.Contains(e.Family))]);
    }

    private static string Fill(string template, Random random) =>
        Slot().Replace(template, m => Value(m.Groups[1].Value, random));

    private static string Value(string slot, Random random) => slot switch
    {
        "ip" => $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}",
        "port" => Pick(random, "5432", "6379", "443", "8080", "9092", "1433", "3306", "27017", "5672", "9200"),
        "ms" => random.Next(5, 120_000).ToString(CultureInfo.InvariantCulture),
        "s" => random.Next(1, 300).ToString(CultureInfo.InvariantCulture),
        "n" => random.Next(1, 5_000).ToString(CultureInfo.InvariantCulture),
        "small" => random.Next(1, 64).ToString(CultureInfo.InvariantCulture),
        "pct" => random.Next(80, 101).ToString(CultureInfo.InvariantCulture),
        "mb" => (random.Next(1, 64) * 128).ToString(CultureInfo.InvariantCulture),
        "line" => random.Next(10, 900).ToString(CultureInfo.InvariantCulture),
        "guid" => NewGuid(random),
        "hex" => random.NextInt64().ToString("x12", CultureInfo.InvariantCulture),
        "version" => $"{random.Next(1, 9)}.{random.Next(0, 30)}.{random.Next(0, 50)}",
        "host" => Pick(random, "db-primary", "orders-db", "cache-01", "broker-2", "search-3", "payments-api", "auth", "inventory-svc") + "." + Pick(random, "internal", "prod.example.com", "svc.cluster.local"),
        "svc" => Pick(random, "payments", "inventory", "shipping", "pricing", "recommendations", "identity", "notifications", "search"),
        "db" => Pick(random, "orders", "billing", "catalog", "users", "ledger", "sessions"),
        "table" => Pick(random, "orders", "order_lines", "invoices", "customers", "stock_levels", "audit_events"),
        "user" => Pick(random, "app_rw", "svc_orders", "reporting", "alice", "deploy-bot", "batch"),
        "key" => Pick(random, "ConnectionStrings:Orders", "Payments:ApiKey", "Features:NewCheckout", "Redis:Endpoint", "Auth:Authority", "Storage:Container"),
        "path" => Pick(random, "/var/lib/app/data", "/mnt/uploads", "/tmp/export", "/srv/cache", "/data/queue") + "/" + Pick(random, "orders", "batch", "img", "reports") + "-" + random.Next(1, 999).ToString(CultureInfo.InvariantCulture) + Pick(random, ".json", ".parquet", ".log", ".tmp"),
        "bucket" => Pick(random, "invoices", "uploads", "exports", "backups", "media"),
        "queue" => Pick(random, "orders-created", "payments-settled", "emails", "stock-updates", "audit"),
        "pod" => Pick(random, "checkout", "orders", "worker", "api", "gateway") + "-" + random.Next(0x10000, 0xfffff).ToString("x", CultureInfo.InvariantCulture) + "-" + Pick(random, "x7k2p", "q9d4m", "b2c8n", "z5t1r"),
        "ns" => Pick(random, "prod", "staging", "shop", "payments"),
        "image" => Pick(random, "registry.example.com/shop/checkout", "ghcr.io/acme/orders", "acr.azurecr.io/api/gateway") + ":" + $"{random.Next(1, 9)}.{random.Next(0, 30)}.{random.Next(0, 50)}",
        "region" => Pick(random, "westeurope", "eastus2", "northeurope", "uksouth"),
        "class" => Pick(random, "OrderService", "CheckoutController", "InvoiceBuilder", "CartRepository", "PriceCalculator", "ShipmentPlanner"),
        "method" => Pick(random, "PlaceOrderAsync", "Build", "Handle", "Recalculate", "GetById", "Apply"),
        "field" => Pick(random, "customer", "address", "items", "currency", "discount", "shipment"),
        "status" => Pick(random, "500", "502", "503", "504"),
        "client" => Pick(random, "mobile-app", "partner-42", "web-frontend", "batch-importer"),
        "env" => Pick(random, "DATABASE_URL", "REDIS_ADDR", "PAYMENTS_API_KEY", "OTEL_EXPORTER_OTLP_ENDPOINT", "KAFKA_BROKERS", "JWT_ISSUER"),
        "node" => Pick(random, "aks-nodepool1-" + random.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture) + "-vmss00000" + random.Next(10).ToString(CultureInfo.InvariantCulture), "ip-10-0-" + random.Next(256).ToString(CultureInfo.InvariantCulture) + "-" + random.Next(1, 255).ToString(CultureInfo.InvariantCulture) + ".eu-west-1.compute.internal", "gke-prod-default-pool-" + random.Next(0x1000_0000, int.MaxValue).ToString("x8", CultureInfo.InvariantCulture) + "-" + Pick(random, "k2zq", "m8rt", "x4vb")),
        "topic" => Pick(random, "orders.created.v1", "payments.settled", "inventory-changes", "audit-log", "clickstream-raw"),
        "index" => Pick(random, "orders-2026.11", "logs-app-000042", "products_v3", "customers", "traces-apm-default"),
        "vault" => Pick(random, "kv-shop-prod", "kv-payments-eu", "kv-shared-01"),
        "account" => Pick(random, "stshopprod01", "stexportseu", "stmediacdn", "stbackupsweu"),
        "project" => Pick(random, "shop-prod-4821", "acme-data-eu", "orders-platform-prod"),
        "awsregion" => Pick(random, "us-east-1", "eu-west-1", "eu-central-1", "us-west-2", "ap-southeast-2"),
        "awsid" => random.NextInt64(100_000_000_000, 1_000_000_000_000).ToString(CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"The corpus template uses an unknown slot '{slot}'."),
    };

    private static string NewGuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    private static string Pick(Random random, params string[] values) => values[random.Next(values.Length)];

    [GeneratedRegex(@"\{([a-z]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Slot();
}
