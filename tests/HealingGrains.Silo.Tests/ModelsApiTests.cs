using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace HealingGrains.Silo.Tests;

/// <summary>
/// The model registry over HTTP. The registry and the training data are the host's, not a tenant's, so these tests
/// get a host of their own (the class fixture) rather than the shared one.
/// </summary>
public sealed class ModelsApiTests(HostFixture host) : IClassFixture<HostFixture>
{
    // The default cap, ModelRegistryOptions.MaxModelBytes.
    private const int Cap = 1024 * 1024;

    [Fact]
    public async Task AClassifierIsTrainedPromotedAndAnUploadedCopyDoesNotBeatItNorCanTheOnlyActiveVersionBeRolledBack()
    {
        var trained = await host.Operator.PostAsync("/api/v1/models/classifier/train", null, Api.Ct);

        Assert.Equal(HttpStatusCode.Created, trained.StatusCode);
        var version = await trained.JsonAsync();
        var number = version.GetProperty("version").GetInt32();
        Assert.Equal($"/api/v1/models/classifier/versions/{number}", trained.Headers.Location?.OriginalString);
        Assert.Equal("classifier", version.GetProperty("kind").GetString());
        Assert.Equal($"ErrorClassifier/{number}", version.GetProperty("label").GetString());
        Assert.Equal("candidate", version.GetProperty("status").GetString());
        Assert.Equal("trained", version.GetProperty("origin").GetString());
        Assert.Equal("macroF1", version.GetProperty("metric").GetString());
        Assert.True(version.GetProperty("higherIsBetter").GetBoolean());
        Assert.InRange(version.GetProperty("metrics").GetProperty("macroF1").GetDouble(), 0.3, 1.0);
        Assert.Equal(64, version.GetProperty("heldOutDataHash").GetString()!.Length);
        Assert.Equal(version.ToString(), (await (await host.Operator.GetAsync(trained.Headers.Location, Api.Ct)).JsonAsync()).ToString());

        var models = (await (await host.Operator.GetAsync("/api/v1/models", Api.Ct)).JsonAsync()).GetProperty("models");
        Assert.Equal(["classifier", "fix-predictor", "risk-assessor"], models.EnumerateArray().Select(m => m.GetProperty("kind").GetString()));
        Assert.Equal(JsonValueKind.Null, models[0].GetProperty("active").ValueKind);
        Assert.Contains(number, models[0].GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));

        var promoted = await host.Operator.PostAsync($"/api/v1/models/classifier/versions/{number}/promote", null, Api.Ct);
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        Assert.Equal("active", (await promoted.JsonAsync()).GetProperty("status").GetString());
        var classifier = await (await host.Operator.GetAsync("/api/v1/models/classifier", Api.Ct)).JsonAsync();
        Assert.Equal(number, classifier.GetProperty("active").GetProperty("version").GetInt32());

        var content = await host.Operator.GetAsync($"/api/v1/models/classifier/versions/{number}/content", Api.Ct);
        Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        Assert.Equal("application/octet-stream", content.Content.Headers.ContentType?.MediaType);
        var bytes = await content.Content.ReadAsByteArrayAsync(Api.Ct);
        Assert.Equal(version.GetProperty("sizeBytes").GetInt32(), bytes.Length);

        var uploaded = await host.Operator.PostAsync("/api/v1/models/classifier/versions", Octets(bytes), Api.Ct);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var copy = await uploaded.JsonAsync();
        var copyNumber = copy.GetProperty("version").GetInt32();
        Assert.Equal("candidate", copy.GetProperty("status").GetString());
        Assert.Equal("uploaded", copy.GetProperty("origin").GetString());
        Assert.Equal(number, copy.GetProperty("baselineVersion").GetInt32());
        Assert.Equal(version.GetProperty("metrics").GetProperty("macroF1").GetDouble(), copy.GetProperty("metrics").GetProperty("macroF1").GetDouble());

        var refused = await ProblemAssert.IsProblemAsync(
            await host.Operator.PostAsync($"/api/v1/models/classifier/versions/{copyNumber}/promote", null, Api.Ct), HttpStatusCode.Conflict);
        Assert.Contains("margin", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var noHistory = await ProblemAssert.IsProblemAsync(await host.Operator.PostAsync("/api/v1/models/classifier/rollback", null, Api.Ct), HttpStatusCode.Conflict);
        Assert.Contains("no earlier active version", noHistory.GetProperty("detail").GetString(), StringComparison.Ordinal);
        classifier = await (await host.Operator.GetAsync("/api/v1/models/classifier", Api.Ct)).JsonAsync();
        Assert.Equal(number, classifier.GetProperty("active").GetProperty("version").GetInt32());
        Assert.Equal("candidate", classifier.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == copyNumber).GetProperty("status").GetString());
    }

    [Fact]
    public async Task UploadsThatAreNotModelsEmptyTooLargeOrNotOctetsAreRefusedWithProblems()
    {
        var before = await VersionCountAsync();

        var garbage = await ProblemAssert.IsProblemAsync(
            await host.Operator.PostAsync("/api/v1/models/classifier/versions", Octets("not a model at all"u8.ToArray()), Api.Ct), HttpStatusCode.BadRequest);
        Assert.Contains("Not a ErrorClassifier model", garbage.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(
            await host.Operator.PostAsync("/api/v1/models/risk-assessor/versions", Octets([]), Api.Ct), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(
            await host.Operator.PostAsync("/api/v1/models/classifier/versions", Octets(new byte[Cap + 1]), Api.Ct), HttpStatusCode.RequestEntityTooLarge);
        await ProblemAssert.IsProblemAsync(
            await host.Operator.PostAsync("/api/v1/models/fix-predictor/versions", new UnsizedContent(Cap + 100_000), Api.Ct), HttpStatusCode.RequestEntityTooLarge);
        var json = await ProblemAssert.IsProblemAsync(
            await host.Operator.PostAsync("/api/v1/models/classifier/versions", new StringContent("{}", Encoding.UTF8, "application/json"), Api.Ct),
            HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/octet-stream", json.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(before, await VersionCountAsync());
    }

    [Theory]
    [InlineData("GET", "/api/v1/models/regressor")]
    [InlineData("POST", "/api/v1/models/ErrorClassifier/train")]
    [InlineData("POST", "/api/v1/models/regressor/rollback")]
    [InlineData("GET", "/api/v1/models/classifier/versions/999/content")]
    [InlineData("GET", "/api/v1/models/classifier/versions/one")]
    [InlineData("POST", "/api/v1/models/classifier/versions/999/promote")]
    [InlineData("POST", "/api/v1/models/risk-assessor/versions/0/promote")]
    public async Task UnknownKindsAndVersionsAre404(string method, string path)
    {
        var response = await host.Operator.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Api.Ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        if (path.Contains("versions", StringComparison.Ordinal))
        {
            Assert.Contains("No version", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("classifier, fix-predictor, risk-assessor", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OnlyTheOperatorManagesModels()
    {
        var tenant = await host.NewTenantAsync();

        await ProblemAssert.IsProblemAsync(await tenant.Admin.GetAsync("/api/v1/models", Api.Ct), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await tenant.Admin.PostAsync("/api/v1/models/classifier/train", null, Api.Ct), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await tenant.Admin.PostAsync("/api/v1/models/classifier/rollback", null, Api.Ct), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await tenant.Ingest.PostAsync("/api/v1/models/classifier/versions", Octets([1, 2, 3]), Api.Ct), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client(null).GetAsync("/api/v1/models", Api.Ct)).StatusCode);
    }

    [Fact]
    public async Task AFixPredictorCannotBeTrainedOnAHostWithoutRecordedOutcomes()
    {
        var response = await host.Operator.PostAsync("/api/v1/models/fix-predictor/train", null, Api.Ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("FixPredictor cannot be trained yet", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await (await host.Operator.GetAsync("/api/v1/models/fix-predictor", Api.Ct)).JsonAsync()).GetProperty("versions").GetArrayLength());
    }

    [Fact]
    public async Task AnAdminCorrectsAFingerprintsCategoryAndTheFingerprintShowsWhoGaveIt()
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod", "restart");
        await tenant.Ingest.SendErrorsAsync("shop-prod", "Connection pool exhausted: 100 of 100 connections in use");
        var id = (await tenant.Admin.FingerprintsAsync("shop-prod", l => Api.OneWithCount(l, 1)))[0].GetProperty("id").GetString();

        var corrected = await tenant.Admin.PutAsJsonAsync($"/api/v1/fingerprints/{id}/category", new { category = "Database" }, Api.Ct);

        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        var body = await corrected.JsonAsync();
        Assert.Equal(id, body.GetProperty("id").GetString());
        Assert.Equal("Database", body.GetProperty("category").GetString());
        Assert.Equal("admin:key", body.GetProperty("categorySource").GetString());
        var fingerprint = await (await tenant.Admin.GetAsync($"/api/v1/fingerprints/{id}", Api.Ct)).JsonAsync();
        Assert.Equal("Database", fingerprint.GetProperty("category").GetString());
        Assert.Equal("admin:key", fingerprint.GetProperty("categorySource").GetString());
        var listed = (await tenant.Admin.FingerprintsAsync("shop-prod", l => Api.OneWithCount(l, 1)))[0];
        Assert.Equal("Database", listed.GetProperty("category").GetString());

        var unknown = await ProblemAssert.IsProblemAsync(
            await tenant.Admin.PutAsJsonAsync($"/api/v1/fingerprints/{id}/category", new { category = "Plumbing" }, Api.Ct), HttpStatusCode.BadRequest);
        Assert.Contains("Database, Network", unknown.GetProperty("errors").GetProperty("category")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("CodeDefect", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(
            await tenant.Admin.PutAsJsonAsync($"/api/v1/fingerprints/{id}/category", new { }, Api.Ct), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(
            await tenant.Admin.PutAsJsonAsync("/api/v1/fingerprints/0123456789abcdef/category", new { category = "Network" }, Api.Ct), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(
            await tenant.Ingest.PutAsJsonAsync($"/api/v1/fingerprints/{id}/category", new { category = "Network" }, Api.Ct), HttpStatusCode.Forbidden);
        Assert.Equal("Database", (await (await tenant.Admin.GetAsync($"/api/v1/fingerprints/{id}", Api.Ct)).JsonAsync()).GetProperty("category").GetString());
    }

    [Fact]
    public async Task AnActionsEvidenceShowsTheContextTheModelsRead()
    {
        var tenant = await host.NewTenantAsync();
        await tenant.Admin.PutDeploymentAsync("shop-prod", "restart", "scale-out");
        await tenant.Ingest.SendErrorsAsync("shop-prod", "Inventory timed out after 3000 ms");

        var action = await PendingActionAsync(tenant);

        var evidence = action.GetProperty("evidence");
        var context = evidence.GetProperty("context");
        Assert.Equal(action.GetProperty("kind").GetString(), context.GetProperty("kind").GetString());
        Assert.True(context.GetProperty("production").GetBoolean());
        Assert.False(string.IsNullOrEmpty(context.GetProperty("blastRadius").GetString()));
        Assert.True(context.TryGetProperty("errorRatePerMinute", out _));
        Assert.True(context.TryGetProperty("deploymentAgeMinutes", out _));
        Assert.True(evidence.TryGetProperty("category", out _));

        // No fix predictor is active on this host, so it contributed nothing.
        Assert.Equal(JsonValueKind.Null, evidence.GetProperty("predicted").ValueKind);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheModelsEndpoints()
    {
        var document = await (await host.Client(null).GetAsync("/openapi/v1.json", Api.Ct)).JsonAsync();

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/models", "/api/v1/models/{kind}/train", "/api/v1/models/{kind}/versions", "/api/v1/fingerprints/{id}/category" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }
    }

    private static ByteArrayContent Octets(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private async Task<int> VersionCountAsync()
    {
        var models = (await (await host.Operator.GetAsync("/api/v1/models", Api.Ct)).JsonAsync()).GetProperty("models");
        return models.EnumerateArray().Sum(m => m.GetProperty("versions").GetArrayLength());
    }

    private static async Task<JsonElement> PendingActionAsync(HostFixture.Tenant tenant)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var list = await (await tenant.Admin.GetAsync("/api/v1/actions?state=pending-approval", Api.Ct)).JsonAsync();
            if (list.GetArrayLength() > 0 || DateTime.UtcNow > deadline)
            {
                return list[0];
            }

            await Task.Delay(20, Api.Ct);
        }
    }

    /// <summary>A body sent without a Content-Length (chunked), so the host cannot refuse it before reading.</summary>
    private sealed class UnsizedContent : HttpContent
    {
        private readonly int _length;

        public UnsizedContent(int length)
        {
            _length = length;
            Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            for (var sent = 0; sent < _length; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, _length - sent)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
