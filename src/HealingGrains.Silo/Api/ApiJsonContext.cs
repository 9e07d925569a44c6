using System.Text.Json;
using System.Text.Json.Serialization;
using HealingGrains.Abstractions.Contracts;

namespace HealingGrains.Silo.Api;

/// <summary>Source-generated JSON for the API's bodies: camelCase, enums as strings.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CreateTenantRequest))]
[JsonSerializable(typeof(TenantCreatedResponse))]
[JsonSerializable(typeof(KeysResponse))]
[JsonSerializable(typeof(DeploymentRequest))]
[JsonSerializable(typeof(DeploymentInfo))]
[JsonSerializable(typeof(List<DeploymentInfo>))]
[JsonSerializable(typeof(MetricWindowInfo))]
[JsonSerializable(typeof(List<MetricWindowInfo>))]
[JsonSerializable(typeof(TelemetryRequest))]
[JsonSerializable(typeof(TelemetryAccepted))]
[JsonSerializable(typeof(FingerprintResponse))]
[JsonSerializable(typeof(List<FingerprintResponse>))]
[JsonSerializable(typeof(MergeRequest))]
[JsonSerializable(typeof(SplitRequest))]
[JsonSerializable(typeof(GroupingResponse))]
[JsonSerializable(typeof(ActionResponse))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(UserCreated))]
[JsonSerializable(typeof(RecommendationResponse))]
[JsonSerializable(typeof(List<ActionResponse>))]
[JsonSerializable(typeof(DecisionRequest))]
[JsonSerializable(typeof(OutcomeRequest))]
[JsonSerializable(typeof(VersionRequest))]
[JsonSerializable(typeof(DeploymentVersion))]
[JsonSerializable(typeof(PolicyInfo))]
[JsonSerializable(typeof(AuditRecord))]
[JsonSerializable(typeof(List<AuditRecord>))]
[JsonSerializable(typeof(AuditVerifyResponse))]
[JsonSerializable(typeof(ModelsResponse))]
[JsonSerializable(typeof(ModelKindResponse))]
[JsonSerializable(typeof(ModelVersionResponse))]
[JsonSerializable(typeof(CategoryRequest))]
[JsonSerializable(typeof(FederationResponse))]
[JsonSerializable(typeof(FederationImportResponse))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
