using System.Globalization;
using HealingGrains.Abstractions.Grains;
using HealingGrains.Abstractions.Keys;
using HealingGrains.Grains.Models;
using HealingGrains.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HealingGrains.Silo.Api;

/// <summary>
/// The model registry (operator): the versions of each kind of model, training on the host's data, uploads, and the
/// champion/challenger promotion and rollback. There is no operator-level audit log (audit logs are per tenant), so
/// these calls are not audited.
/// </summary>
internal static class ModelsApi
{
    private const string OctetStream = "application/octet-stream";

    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/models").WithTags("Models").RequireAuthorization(HealingClaims.OperatorPolicy);
        group.MapGet("/", ListAsync)
            .WithName("ListModels").WithSummary("Every kind of model (classifier, fix-predictor, risk-assessor) with its active version and all versions.");
        group.MapGet("/{kind}", GetAsync)
            .WithName("GetModel").WithSummary("One kind of model with its active version and all versions, oldest first.");
        group.MapGet("/{kind}/versions/{version}", GetVersionAsync)
            .WithName("GetModelVersion").WithSummary("One version with its metrics.");
        group.MapGet("/{kind}/versions/{version}/content", ContentAsync)
            .WithName("GetModelContent").WithSummary("The version's bytes (application/octet-stream).");
        group.MapPost("/{kind}/train", TrainAsync)
            .WithName("TrainModel")
            .WithSummary("Trains a candidate on the host's data and measures it on held-out data against the active version; 409 when there is too little data.");
        group.MapPost("/{kind}/versions", RegisterAsync)
            .WithName("RegisterModel")
            .WithSummary("Registers uploaded model bytes (application/octet-stream) as a candidate, measured like a trained one; 400 when they are not such a model.");
        group.MapPost("/{kind}/versions/{version}/promote", PromoteAsync)
            .WithName("PromoteModel").WithSummary("Makes a candidate active if it beats the active version by the margin on the same held-out data; 409 with the reason if not.");
        group.MapPost("/{kind}/rollback", RollbackAsync)
            .WithName("RollbackModel").WithSummary("Makes the previously active version active again; 409 when there is none.");
        return routes;
    }

    private static async Task<Ok<ModelsResponse>> ListAsync(IGrainFactory grains)
    {
        var kinds = await Task.WhenAll(Enum.GetValues<ModelKind>().Select(k => DescribeAsync(grains, k)));
        return TypedResults.Ok(new ModelsResponse { Models = kinds });
    }

    private static async Task<Results<Ok<ModelKindResponse>, ProblemHttpResult>> GetAsync(string kind, IGrainFactory grains) =>
        ModelKindNames.TryParse(kind, out var modelKind)
            ? TypedResults.Ok(await DescribeAsync(grains, modelKind))
            : UnknownKind(kind);

    private static async Task<Results<Ok<ModelVersionResponse>, ProblemHttpResult>> GetVersionAsync(string kind, string version, IGrainFactory grains)
    {
        if (!ModelKindNames.TryParse(kind, out var modelKind))
        {
            return UnknownKind(kind);
        }

        return await FindAsync(grains, modelKind, version) is { } info
            ? TypedResults.Ok(ModelVersionResponse.From(info))
            : UnknownVersion(kind, version);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ContentAsync(string kind, string version, IGrainFactory grains)
    {
        if (!ModelKindNames.TryParse(kind, out var modelKind))
        {
            return UnknownKind(kind);
        }

        var bytes = TryParseVersion(version, out var number)
            ? await grains.GetGrain<IModelVersionGrain>(ModelVersionKey.Format(modelKind, number)).GetBytesAsync()
            : null;
        return bytes is null
            ? UnknownVersion(kind, version)
            : TypedResults.File(bytes, OctetStream, $"{kind}-{number}.hgm");
    }

    private static async Task<Results<Created<ModelVersionResponse>, ProblemHttpResult>> TrainAsync(
        string kind, ModelTrainer trainer, CancellationToken cancellationToken)
    {
        if (!ModelKindNames.TryParse(kind, out var modelKind))
        {
            return UnknownKind(kind);
        }

        var decision = await trainer.TrainAsync(modelKind, cancellationToken);
        return decision is { Accepted: true, Version: { } version }
            ? Created(version)
            : Problems.Conflict(decision.Reason ?? $"The host could not train a {kind}.");
    }

    private static async Task<Results<Created<ModelVersionResponse>, ProblemHttpResult>> RegisterAsync(
        string kind, HttpContext context, ModelTrainer trainer, IOptions<ModelRegistryOptions> options, CancellationToken cancellationToken)
    {
        if (!ModelKindNames.TryParse(kind, out var modelKind))
        {
            return UnknownKind(kind);
        }

        var request = context.Request;
        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), OctetStream, StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", $"Send the model's bytes as {OctetStream}.");
        }

        var cap = options.Value.MaxModelBytes;
        if (await CappedBody.ReadAsync(context, cap, cancellationToken) is not { } bytes)
        {
            return TooLarge(cap);
        }

        if (bytes.Length == 0)
        {
            return Problems.Invalid("$", $"The body must hold the model's bytes (1 to {cap:N0}).");
        }

        var decision = await trainer.RegisterUploadAsync(modelKind, bytes, cancellationToken);
        return decision is { Accepted: true, Version: { } version }
            ? Created(version)
            : Problems.Invalid("$", decision.Reason ?? $"Not a {kind} model.");
    }

    private static async Task<Results<Ok<ModelVersionResponse>, ProblemHttpResult>> PromoteAsync(string kind, string version, IGrainFactory grains)
    {
        if (!ModelKindNames.TryParse(kind, out var modelKind))
        {
            return UnknownKind(kind);
        }

        if (await FindAsync(grains, modelKind, version) is not { } info)
        {
            return UnknownVersion(kind, version);
        }

        var decision = await Registry(grains, modelKind).PromoteAsync(info.Version);
        return decision is { Accepted: true, Version: { } promoted }
            ? TypedResults.Ok(ModelVersionResponse.From(promoted))
            : Problems.Conflict(decision.Reason ?? $"Version {info.Version} was not promoted.");
    }

    private static async Task<Results<Ok<ModelVersionResponse>, ProblemHttpResult>> RollbackAsync(string kind, IGrainFactory grains)
    {
        if (!ModelKindNames.TryParse(kind, out var modelKind))
        {
            return UnknownKind(kind);
        }

        var decision = await Registry(grains, modelKind).RollbackAsync();
        return decision is { Accepted: true, Version: { } active }
            ? TypedResults.Ok(ModelVersionResponse.From(active))
            : Problems.Conflict(decision.Reason ?? $"There is no earlier {kind} to roll back to.");
    }

    private static async Task<ModelKindResponse> DescribeAsync(IGrainFactory grains, ModelKind kind)
    {
        var versions = (await Registry(grains, kind).ListAsync()).Select(ModelVersionResponse.From).ToList();
        return new ModelKindResponse
        {
            Kind = ModelKindNames.Of(kind),
            Active = versions.Find(v => v.Status == "active"),
            Versions = versions,
        };
    }

    private static async Task<ModelVersionInfo?> FindAsync(IGrainFactory grains, ModelKind kind, string version) =>
        TryParseVersion(version, out var number)
            ? (await Registry(grains, kind).ListAsync()).FirstOrDefault(v => v.Version == number)
            : null;

    private static bool TryParseVersion(string version, out int number) =>
        int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number >= 1;

    private static IModelRegistryGrain Registry(IGrainFactory grains, ModelKind kind) => grains.GetGrain<IModelRegistryGrain>(kind.ToString());

    // The key ModelRegistryGrain stores a version's bytes under.
    private static Created<ModelVersionResponse> Created(ModelVersionInfo version)
    {
        var response = ModelVersionResponse.From(version);
        return TypedResults.Created($"/api/v1/models/{response.Kind}/versions/{response.Version}", response);
    }

    private static ProblemHttpResult UnknownKind(string kind) =>
        Problems.NotFound($"No model kind '{kind}'; the kinds are {string.Join(", ", ModelKindNames.All)}.");

    private static ProblemHttpResult UnknownVersion(string kind, string version) =>
        Problems.NotFound($"No version '{version}' of the {kind}.");

    private static ProblemHttpResult TooLarge(int cap) =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "Model too large", $"A model may have at most {cap:N0} bytes (HealingGrains:Models:MaxModelBytes).");
}
