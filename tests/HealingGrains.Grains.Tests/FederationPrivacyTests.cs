using System.Text;
using HealingGrains.Abstractions.Contracts;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Core.Federation;
using HealingGrains.Grains.Federation;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace HealingGrains.Grains.Tests;

/// <summary>
/// Issue 9's privacy test: tenants plant canaries (e-mail addresses, IPs, host names, tenant and deployment names,
/// GUIDs, customer ids, their own types and code) in messages, stack traces and attributes, and none of them reaches
/// federation: not its grains' answers, not the rows its state is stored in, not the exported bundle. A tenant that
/// does not share sends nothing at all.
/// </summary>
[Collection(FederationClusterCollection.Name)]
public sealed class FederationPrivacyTests(FederationClusterFixture fixture)
{
    [Fact]
    public async Task NoCanaryReachesFederationStateItsStoredRowsOrTheExportedBundleAndTenantsThatDoNotShareSendNothing()
    {
        var rowsBefore = await FederationRowsAsync();

        // Tenants that do not share (none, consume) heal the same error carrying their canaries: nothing changes.
        var silent = new List<Canaries>();
        foreach (var (org, policy) in new[] { ("umbrella", "none"), ("hooli", "consume") })
        {
            var canaries = Canaries.For(org);
            var tenant = await canaries.CreateTenantAsync(fixture, policy);
            for (var i = 0; i < 2; i++)
            {
                await tenant.HealAsync(canaries.Error(fixture, i));
            }

            silent.Add(canaries);
        }

        Assert.Equal(rowsBefore, await FederationRowsAsync());

        // Three tenants that share heal it three times each.
        var sharing = new List<Canaries>();
        foreach (var (org, policy) in new[] { ("acme", "share"), ("globex", "both"), ("initech", "share") })
        {
            var canaries = Canaries.For(org);
            var tenant = await canaries.CreateTenantAsync(fixture, policy);
            for (var i = 0; i < 3; i++)
            {
                var healed = await tenant.HealAsync(canaries.Error(fixture, i));
                canaries.Signature = healed.FederationSignature;
            }

            sharing.Add(canaries);
        }

        var signature = Assert.Single(sharing.Select(c => c.Signature).Distinct());
        Assert.NotNull(signature);

        // What federation holds and answers, as stored rows and as the grains' own answers, and the exported bundle.
        var rows = await FederationRowsAsync();
        Assert.NotEqual(rowsBefore, rows);
        var shard = fixture.Client.GetGrain<IFederationGrain>(FederationKey.Shard(signature));
        var answers = new StringBuilder();
        foreach (var estimate in await shard.GetEstimatesAsync(signature, null))
        {
            answers.Append($"{estimate.Kind} {estimate.Organisations} {estimate.Cases} {estimate.SuccessRate}\n");
        }

        foreach (var pattern in await shard.ListVisibleAsync())
        {
            answers.Append($"{pattern.Signature} {pattern.Kind} {pattern.Contributors} {pattern.Cases} {pattern.SuccessRate}\n");
        }

        var summary = await shard.GetSummaryAsync();
        answers.Append($"{summary.Signatures} {summary.Patterns} {summary.VisiblePatterns} {summary.Contributions} {summary.Outcomes}\n");
        var bundle = (await fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<FederationExchange>().ExportAsync()).ToJson();

        Assert.Contains(signature, bundle, StringComparison.Ordinal);
        Assert.Contains(FederationBundle.Parse(bundle).Patterns, p => p.Signature == signature && p.Kind == "restart" && p.Contributors == 3);
        Assert.Contains("restart 3 ", answers.ToString(), StringComparison.Ordinal);

        var places = new Dictionary<string, byte[]>(rows, StringComparer.Ordinal)
        {
            ["grain answers"] = Encoding.UTF8.GetBytes(answers.ToString()),
            ["exported bundle"] = Encoding.UTF8.GetBytes(bundle),
        };
        foreach (var canary in sharing.Concat(silent).SelectMany(c => c.Values))
        {
            foreach (var (place, bytes) in places)
            {
                Assert.False(Contains(bytes, canary), $"canary '{canary}' found in {place}");
            }
        }

        // The scan does see what is there: the sharing tenants' pseudonyms, never the others'.
        var key = await fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<FederationKeys>().KeyAsync();
        var stored = rows.Values.ToList();
        Assert.All(sharing, c => Assert.Contains(stored, r => Contains(r, FederationSignature.Contributor(key, c.Tenant))));
        Assert.All(silent, c => Assert.DoesNotContain(stored, r => Contains(r, FederationSignature.Contributor(key, c.Tenant))));
    }

    // Every stored row of federation state (the shards' grain state, table grainstate, state name "federation"), by partition.
    private async Task<Dictionary<string, byte[]>> FederationRowsAsync()
    {
        var rows = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (!File.Exists(fixture.DatabasePath))
        {
            return rows; // nothing has been stored yet (this test ran first in its cluster)
        }

        await using var connection = new SqliteConnection($"Data Source={fixture.DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pk, data FROM rows WHERE tbl = 'grainstate' AND rk = 'federation'";
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows[reader.GetString(0)] = (byte[])reader[1];
        }

        return rows;
    }

    // Whether the bytes hold the text (ASCII letters compared without case), as UTF-8 or UTF-16.
    private static bool Contains(byte[] bytes, string text)
    {
        var lowered = Lower(bytes);
        return Find(lowered, Lower(Encoding.UTF8.GetBytes(text))) || Find(lowered, Lower(Encoding.Unicode.GetBytes(text)));
    }

    private static byte[] Lower(byte[] bytes) => [.. bytes.Select(b => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b)];

    private static bool Find(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>One organisation's canaries and the error that carries them.</summary>
    private sealed class Canaries
    {
        public required string Org { get; init; }

        public required string Tenant { get; init; }

        public required string Name { get; init; }

        public required string Deployment { get; init; }

        public required string Service { get; init; }

        public required string Host { get; init; }

        public required string Ip { get; init; }

        public required string Email { get; init; }

        public required string CustomerId { get; init; }

        public required string RequestId { get; init; }

        public string? Signature { get; set; }

        private string Type => $"{Capital}.Payments.CardDeclinedException";

        private string Capital => char.ToUpperInvariant(Org[0]) + Org[1..];

        /// <summary>
        /// Every canary, and each of its parts of four characters or more; parts of hex digits only need eight (a shorter
        /// run of hex digits occurs by chance in signatures and pseudonyms, which are hex).
        /// </summary>
        public IEnumerable<string> Values
        {
            get
            {
                string[] whole =
                [
                    Tenant, Name, Deployment, Service, Host, Ip, Email, CustomerId, RequestId, Type, $"{Capital}.Checkout.PaymentClient",
                    $"{Capital}PaymentClient", $"/src/{Org}/PaymentClient.cs", "ChargeAsync", "CardDeclinedException",
                ];
                return whole.Concat(whole.SelectMany(w => w.Split(['.', '-', '@', '/', ' ', ':', '_'])))
                    .Where(v => v.Length >= (v.All(char.IsAsciiHexDigit) ? 8 : 4))
                    .Distinct();
            }
        }

        public static Canaries For(string org)
        {
            var suffix = new string([.. Enumerable.Range(0, 8).Select(_ => (char)('a' + Random.Shared.Next(26)))]);
            return new Canaries
            {
                Org = org,
                Tenant = $"{org}corp-{suffix}",
                Name = $"{char.ToUpperInvariant(org[0])}{org[1..]} Holdings {suffix}",
                Deployment = $"{org}-checkout-prod",
                Service = $"{org}billing",
                Host = $"vm-pay-07.{org}.internal",
                Ip = $"10.{org.Length}.{Random.Shared.Next(10, 250)}.77",
                Email = $"alice.{org}@{org}-corp.example",
                CustomerId = $"CUST-{Random.Shared.Next(10_000, 99_999)}",
                RequestId = Guid.NewGuid().ToString(),
            };
        }

        public Task<FederationTenant> CreateTenantAsync(ClusterFixture fixture, string policy) =>
            FederationTenant.CreateAsync(fixture, policy, tenant: Tenant, name: Name, deployment: Deployment, service: Service);

        public DiagnosticEvent Error(ClusterFixture fixture, int attempt) => new()
        {
            Kind = DiagnosticEventKind.Error,
            Timestamp = fixture.Time.GetUtcNow(),
            Service = Service,
            Version = $"2.{attempt}.0-{Org}",
            ExceptionType = Type,
            Message = $"Card payment for {Name} customer {CustomerId} ({Email}) failed at {Deployment} on {Host} {Ip} service {Service} "
                + $"request {RequestId}: upstream timed out after {30_000 + attempt} ms in {Capital}PaymentClient",
            StackTrace = $"   at {Capital}.Checkout.PaymentClient.ChargeAsync(String customer) in /src/{Org}/PaymentClient.cs:line 88\n"
                + $"   at {Capital}.Checkout.OrderService.PlaceAsync(Guid order) in /home/{Org}-build/OrderService.cs:line 12\n"
                + "   at System.Threading.Tasks.Task.InnerInvoke()",
            Attributes = new Dictionary<string, string> { ["host"] = Host, ["customer"] = CustomerId, ["ip"] = Ip },
        };
    }
}
