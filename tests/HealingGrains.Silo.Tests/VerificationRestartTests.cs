using System.Text.Json;

namespace HealingGrains.Silo.Tests;

/// <summary>
/// A preventive action's verification outlives the host: after a restart, the durable reminder wakes the deployment,
/// which nothing else calls, and the verdict is recorded. Takes a minute or two: Orleans fires reminders at most once
/// a minute.
/// </summary>
public sealed class VerificationRestartTests
{
    private const string OperatorKey = "verify-restart-operator-key-0123456789abcdef";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        // Due as soon as the forecast says the limit is reached, and looked at every second while the grain is active.
        ["HealingGrains:Prediction:VerificationGrace"] = "00:00:00",
        ["HealingGrains:Prediction:VerificationInterval"] = "00:00:01",
    };

    [Fact]
    public async Task AVerificationDueWhileTheHostWasDownIsRecordedAfterARestartWithoutAnyCallToTheDeployment()
    {
        var data = HealingHost.NewDataDirectory();
        string ingestKey;
        string actionId;
        DateTimeOffset createdAt;
        DateTimeOffset dueBy;

        await using (var first = new HealingHost(data, OperatorKey, Settings))
        {
            var created = await (await first.ClientWithKey(OperatorKey).PostAsJsonAsync("/api/v1/tenants", new { id = "acme", name = "Acme" }, Api.Ct)).JsonAsync();
            var admin = first.ClientWithKey(created.GetProperty("adminKey").GetString()!);
            ingestKey = created.GetProperty("ingestKey").GetString()!;
            await admin.PutDeploymentAsync("shop-prod", "restart", "scale-out");
            // Memory every two seconds, rising: the forecast puts the limit about a minute away.
            var sent = await first.ClientWithKey(ingestKey).SendRisingMemoryAsync("shop-prod", TimeSpan.FromSeconds(2));
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);

            var action = await admin.PendingActionAsync();
            actionId = action.GetProperty("id").GetString()!;
            Assert.Equal(JsonValueKind.Null, action.GetProperty("verification").ValueKind);
            var minutes = action.GetProperty("evidence").GetProperty("forecast").GetProperty("minutesToLimit").GetDouble();
            createdAt = action.GetProperty("createdAt").GetDateTimeOffset();
            dueBy = createdAt.AddMinutes(minutes);
        }

        // A new host on the same data, and nothing sent to it until the reminder's first tick (a minute after the
        // proposal) is well past: no ingest, and no read of the action either, since reading an action past its
        // approval timeout expires it and tells the deployment, which would wake it too.
        await using var second = new HealingHost(data, OperatorKey, Settings);
        _ = second.Server;
        var look = createdAt + TimeSpan.FromSeconds(110);
        Assert.True(dueBy < createdAt + TimeSpan.FromSeconds(60), $"The forecast put the limit {dueBy - createdAt} away; the reminder's first tick would not find it due.");
        if (look > DateTimeOffset.UtcNow)
        {
            await Task.Delay(look - DateTimeOffset.UtcNow, Api.Ct);
        }

        var read = await (await second.ClientWithKey(ingestKey).GetAsync($"/api/v1/actions/{actionId}", Api.Ct)).JsonAsync();
        var verification = read.GetProperty("verification");
        Assert.NotEqual(JsonValueKind.Null, verification.ValueKind);

        // Verified at a tick of the reminder, before anything asked: the host was down while the limit was due, and no
        // points came after the forecast, so nothing shows the failure (and the action was never approved).
        var verifiedAt = verification.GetProperty("verifiedAt").GetDateTimeOffset();
        Assert.InRange(verifiedAt, dueBy.AddSeconds(-1), look);
        Assert.False(verification.GetProperty("happened").GetBoolean());
        Assert.Equal("not-happened", verification.GetProperty("result").GetString());
    }
}
