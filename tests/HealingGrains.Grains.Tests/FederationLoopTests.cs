namespace HealingGrains.Grains.Tests;

/// <summary>Federation in the healing loop: outcomes shared by tenants that share, priors for tenants that consume.</summary>
[Collection(FederationClusterCollection.Name)]
public sealed class FederationLoopTests(FederationClusterFixture fixture)
{
    [Fact]
    public async Task AConsumingTenantsProposalShowsFederatedCountsAndSaysSoAndTheFailSafeConsultsNothing()
    {
        // One error, as three organisations' own software prints it: their names and hosts differ, the template does not.
        var run = TestIds.Tenant()[2..];
        static string Message(string service, string host) =>
            $"Ledger sync in {service} timed out after 30000 ms talking to {host}";
        var signatures = new HashSet<string?>();
        foreach (var (org, policy) in new[] { ("orion", "share"), ("vega", "both"), ("lyra", "share") })
        {
            var tenant = await FederationTenant.CreateAsync(fixture, policy, name: $"{org} {run}", service: $"{org}ledger");
            for (var i = 0; i < 3; i++)
            {
                var action = await tenant.HealAsync(tenant.Error(Message($"{org}ledger", $"db-{i}.{org}.internal")));
                signatures.Add(action.FederationSignature);
            }
        }

        var consumer = await FederationTenant.CreateAsync(fixture, "consume", name: $"sirius {run}", service: "siriusledger");
        var proposal = await consumer.IncidentAsync(consumer.Error(Message("siriusledger", "db-9.sirius.internal")));

        Assert.Equal("restart", proposal.Kind);
        Assert.Equal(3, proposal.Evidence.FederatedOrganisations);
        Assert.InRange(proposal.Evidence.FederatedCases, 1, 30);
        Assert.Equal(Math.Min(proposal.Evidence.FederatedCases, 10), proposal.Evidence.FederatedSuccesses + proposal.Evidence.FederatedFailures, 6);
        Assert.True(proposal.Evidence.Mean > 0.5, $"posterior mean {proposal.Evidence.Mean}");
        Assert.Contains("Federated: ", proposal.Reasoning, StringComparison.Ordinal);
        Assert.Contains("across at least 3 organisations: restart worked", proposal.Reasoning, StringComparison.Ordinal);
        Assert.Equal(DeploymentGrain.FederationModel, proposal.Evidence.Models["federation"]);

        // Every organisation's error had the same signature: their own words were masked out before hashing.
        Assert.Equal(proposal.FederationSignature, Assert.Single(signatures));
        Assert.Matches("^[0-9a-f]{32}$", proposal.FederationSignature);

        // The same tenant with the fail-safe on: only the rule book speaks, federation is not consulted.
        var failSafe = await FederationTenant.CreateAsync(fixture, "consume", name: $"deneb {run}", service: "denebledger", aiEnabled: false);
        var ruled = await failSafe.IncidentAsync(failSafe.Error(Message("denebledger", "db-3.deneb.internal")));
        Assert.Equal(0, ruled.Evidence.FederatedOrganisations);
        Assert.Equal(["rules"], ruled.Evidence.Models.Keys);
        Assert.DoesNotContain("Federated", ruled.Reasoning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATenantThatDoesNotTakePartHasNoSignatureOnItsActionsAndGetsNoPriors()
    {
        var tenant = await FederationTenant.CreateAsync(fixture, "none");

        var action = await tenant.HealAsync(tenant.Error("Ledger sync in shop timed out after 30000 ms talking to db-1.example.internal"));

        Assert.Null(action.FederationSignature);
        Assert.Equal(0, action.Evidence.FederatedOrganisations);
        Assert.False(action.Evidence.Models.ContainsKey("federation"));
    }
}
