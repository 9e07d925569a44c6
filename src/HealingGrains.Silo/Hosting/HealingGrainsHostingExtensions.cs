using HealingGrains.Abstractions;
using HealingGrains.Core.Healing;
using HealingGrains.Core.Prediction;
using HealingGrains.Grains;
using HealingGrains.Silo.Api;
using HealingGrains.Silo.Configuration;
using HealingGrains.Silo.Otlp;
using HealingGrains.Silo.Security;
using HealingGrains.Storage;
using HealingGrains.Storage.Queues;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace HealingGrains.Silo.Hosting;

/// <summary>The host's features, each added with one call from <c>Program.cs</c>.</summary>
public static class HealingGrainsHostingExtensions
{
    /// <summary>The documented local address when nothing else is configured.</summary>
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>Options, storage, security, problem details, JSON and OpenAPI.</summary>
    public static WebApplicationBuilder AddHealingGrains(this WebApplicationBuilder builder)
    {
        // Defaults live in code, not only in appsettings.json: `dotnet run --project` from the repository root uses
        // the working directory as content root, where the project's appsettings.json is not.
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var services = builder.Services;
        services.AddOptions<HealingGrainsOptions>().BindConfiguration(HealingGrainsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HealingGrainsOptions>, HealingGrainsOptionsValidator>();
        services.AddOptions<HealingGrains.Grains.Models.ModelRegistryOptions>().BindConfiguration("HealingGrains:Models");
        services.AddOptions<HealingGrains.Grains.Modules.ModuleRegistryOptions>().BindConfiguration(HealingGrains.Grains.Modules.ModuleRegistryOptions.Section)
            .Validate(
                o => o.ReplayFloor is >= 0 and <= 1 && o.ReplayMinimumTries >= 1 && o.MaxReplayIncidents >= 0 && o.MaxSnapshots >= 1 && o.MaxAttempts >= 1,
                "HealingGrains:Modules: ReplayFloor must be from 0 to 1, ReplayMinimumTries, MaxSnapshots and MaxAttempts at least 1, MaxReplayIncidents at least 0.")
            .ValidateOnStart();
        services.AddOptions<PredictionOptions>().BindConfiguration(PredictionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PredictionOptions>, PredictionOptionsValidator>();
        HealingGrains.Grains.Models.ModelServices.AddHealingModels(services);
        services.AddOptions<HealingGrains.Grains.Federation.FederationSettings>().BindConfiguration(HealingGrains.Grains.Federation.FederationSettings.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HealingGrains.Grains.Federation.FederationSettings>, FederationSettingsValidator>();
        HealingGrains.Grains.Federation.FederationServices.AddHealingFederation(services);
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<OtlpOptions>().BindConfiguration(OtlpOptions.Section)
            .Validate(
                o => o.MaxRequestBytes > 0 && o.MaxDecompressedBytes >= o.MaxRequestBytes && o.MaxItemsPerRequest > 0 && o.RequestsPerSecond > 0 && o.Burst > 0,
                "HealingGrains:Otlp: MaxRequestBytes, MaxItemsPerRequest, RequestsPerSecond and Burst must be positive, and MaxDecompressedBytes at least MaxRequestBytes.")
            .ValidateOnStart();
        services.AddSingleton<OtlpCumulativeSeries>();
        services.AddSingleton<OtlpReceiver>();
        services.AddOtlpRateLimiting();
        services.AddSingleton(sp => new HealingGrains.Grains.Telemetry.DispatchDelay(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AdmissionMetrics>();
        services.AddOptions<AdmissionOptions>().BindConfiguration(AdmissionOptions.Section)
            .Validate(
                o => o.TenantRequestsPerSecond > 0 && o.TenantBurst > 0 && o.MaxConcurrentRequests > 0 && o.MaxStreamLag > TimeSpan.Zero
                    && o.StreamLagTarget > TimeSpan.Zero && o.StreamLagTarget < o.MaxStreamLag && o.MinShedBacklog >= 0 && o.DispatchDelayTarget > TimeSpan.Zero,
                "HealingGrains:Admission: TenantRequestsPerSecond, TenantBurst and MaxConcurrentRequests must be positive, MaxStreamLag a positive time (00:00:01), StreamLagTarget a positive time under MaxStreamLag (00:00:01), MinShedBacklog zero or more, DispatchDelayTarget a positive time (00:00:00.050).")
            .ValidateOnStart();

        services.AddSingleton<IRowStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<HealingGrainsOptions>>().Value;
            return string.Equals(options.Storage.Provider, "AzureTable", StringComparison.OrdinalIgnoreCase)
                ? new AzureTableRowStore(new AzureTableRowStoreOptions
                {
                    ConnectionString = options.Storage.ConnectionString,
                    ServiceUri = options.Storage.ServiceUri,
                    TablePrefix = options.Storage.TablePrefix,
                    NetworkTimeout = options.Storage.NetworkTimeout,
                    MaxRetries = options.Storage.MaxRetries,
                })
                : new SqliteRowStore(new SqliteRowStoreOptions { DataSource = Path.Combine(options.DataDirectoryPath, "healinggrains.db") });
        });

        services.AddSingleton(new Recommender());
        services.AddSingleton(sp => new RandomSource(sp.GetRequiredService<IOptions<HealingGrainsOptions>>().Value.Healing.RandomSeed));

        services.AddSingleton<OperatorKey>();
        services.AddSingleton<KeyCache>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<Api.TelemetryPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<OperatorKey>());
        services.AddHostedService<FederationStartup>();
        // API calls (a bearer key, or any /api, /v1 or /openapi path) authenticate with keys; everything else is the
        // portal's cookie. A cookie never authenticates an API call, so the API cannot be driven by cross-site requests.
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = "select";
                o.DefaultChallengeScheme = "select";
            })
            .AddPolicyScheme("select", null, o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0
                || context.Request.Path.StartsWithSegments("/api")
                || context.Request.Path.StartsWithSegments("/v1")
                || context.Request.Path.StartsWithSegments("/openapi")
                    ? HealingClaims.Scheme
                    : PortalAccounts.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(HealingClaims.Scheme, null);
        // The ingest fast path decides the ingest policy without the policy machinery: ApiKeyIdentity.MayIngest says the
        // same (a tenant's ingest or admin key), and TelemetryKeyTests fails if the two ever differ.
        services.AddAuthorizationBuilder()
            .AddPolicy(HealingClaims.OperatorPolicy, p => p.RequireClaim(HealingClaims.Kind, "operator"))
            .AddPolicy(HealingClaims.AdminPolicy, p => p.RequireClaim(HealingClaims.Kind, "admin").RequireClaim(HealingClaims.Tenant))
            .AddPolicy(HealingClaims.IngestPolicy, p => p.RequireClaim(HealingClaims.Kind, "ingest", "admin").RequireClaim(HealingClaims.Tenant));

        services.AddProblemDetails();
        services.AddSingleton<IProblemDetailsWriter, FallbackProblemDetailsWriter>();
        services.AddExceptionHandler<UnavailableExceptionHandler>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        services.AddOpenApi();

        // Bodies are read by JsonBody with its own 1 MiB limit; Kestrel's cap only needs to stay above it.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 2 * JsonBody.MaxBytes);
        return builder;
    }

    /// <summary>The co-hosted silo: localhost or Redis clustering, row-store state, in-process, memory or Azure queue streams.</summary>
    public static ISiloBuilder AddHealingGrainsSilo(this ISiloBuilder silo)
    {
        // The membership provider is chosen when the silo is built; everything else is read from options lazily.
        var clustering = silo.Configuration.GetSection($"{HealingGrainsOptions.Section}:Clustering").Get<ClusteringSettings>() ?? new ClusteringSettings();
        var redis = string.Equals(clustering.Provider, "Redis", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(clustering.ConnectionString);
        if (redis)
        {
            silo.UseRedisClustering(clustering.ConnectionString!);
            silo.Services.AddOptions<EndpointOptions>().Configure<IOptions<HealingGrainsOptions>>((endpoints, options) =>
            {
                endpoints.AdvertisedIPAddress = options.Value.Clustering.ResolveAdvertisedAddress()
                    ?? throw new InvalidOperationException($"HealingGrains:Clustering:AdvertisedAddress '{options.Value.Clustering.AdvertisedAddress}' does not resolve to an address.");
                endpoints.SiloPort = options.Value.Clustering.SiloPort;
                endpoints.GatewayPort = options.Value.Clustering.GatewayPort;
            });
        }
        else
        {
            UseLocalhost(silo);
        }

        silo.Services.AddOptions<ClusterOptions>().Configure<IOptions<HealingGrainsOptions>>((cluster, options) =>
        {
            cluster.ClusterId = options.Value.Clustering.ClusterId;
            cluster.ServiceId = options.Value.Clustering.ServiceId;
        });

        silo.AddRowStoreGrainStorage(GrainStorageNames.State);
        silo.AddRowStoreGrainStorage("PubSubStore");

        // Reminders in the same store: a pending verification outlives the silo that scheduled it.
        silo.AddRowStoreReminders();
        var streams = silo.Configuration.GetSection($"{HealingGrainsOptions.Section}:Streams").Get<StreamsSettings>() ?? new StreamsSettings();
        if (streams.IsAzureQueue)
        {
            silo.AddAzureQueueStreams(HealingStreams.ProviderName, sp =>
            {
                var all = sp.GetRequiredService<IOptions<HealingGrainsOptions>>().Value;
                var settings = all.Streams;
                return new AzureQueueStreamOptions
                {
                    NetworkTimeout = all.Storage.NetworkTimeout,
                    MaxRetries = all.Storage.MaxRetries,
                    ConnectionString = settings.ConnectionString,
                    ServiceUri = settings.ServiceUri,
                    QueuePrefix = settings.QueuePrefix,
                    QueueCount = settings.QueueCount,
                    VisibilityTimeout = settings.VisibilityTimeout,
                };
            });
        }
        else
        {
            // Read every 5 ms rather than Orleans' 100: reading an empty queue in memory costs next to nothing, and the
            // read interval is the floor of the time from acceptance to a fingerprint updated. A cluster of one silo (the
            // localhost default) keeps its queues in its own memory; the memory stream's queues are grains, which a
            // cluster of several needs, at a serialization and two grain calls per publication.
            Action<ISiloPersistentStreamConfigurator> configure = stream => stream.ConfigurePullingAgent(agent => agent.Configure(o =>
            {
                o.BatchContainerBatchSize = HealingStreams.DeliveryBatchSize;
                o.GetQueueMsgsTimerPeriod = streams.ReadInterval;
            }));
            if (redis)
            {
                silo.AddMemoryStreams(HealingStreams.ProviderName, stream => configure(stream));
            }
            else
            {
                silo.AddPersistentStreams(
                    HealingStreams.ProviderName,
                    (services, name) => InProcessQueueStreamAdapterFactory.Create(name, services.GetRequiredService<IOptions<HealingGrainsOptions>>().Value.Streams.QueueCount),
                    configure);
            }

            // The memory stream delivers a batch again only to the activation whose delivery failed, within the agent's
            // retries (a minute); it dies with its silo. Fingerprints remember its batches in memory only.
            silo.Services.Configure<AppliedBatchWindow>(AppliedBatchWindow.InMemory);
        }

        // Trace context flows through grain calls, so Orleans' spans join the request that caused them: only where traces
        // are exported (TelemetryHostingExtensions), since its two call filters cost a share of every grain call.
        if (!string.IsNullOrWhiteSpace(silo.Configuration[TelemetryHostingExtensions.EndpointSetting]))
        {
            silo.AddActivityPropagation();
        }

        silo.AddOperationsDashboard();
        return silo;
    }

    private static void UseLocalhost(ISiloBuilder silo)
    {
        silo.UseLocalhostClustering();
        silo.Services.AddOptions<EndpointOptions>().Configure<IOptions<HealingGrainsOptions>>((endpoints, options) =>
        {
            endpoints.SiloPort = options.Value.Clustering.SiloPort;
            endpoints.GatewayPort = options.Value.Clustering.GatewayPort;
        });
        silo.Services.AddOptions<DevelopmentClusterMembershipOptions>().Configure<IOptions<HealingGrainsOptions>>((membership, options) =>
            membership.PrimarySiloEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, options.Value.Clustering.SiloPort));
    }

    /// <summary>Problem details for every error, authentication, and the API's endpoints.</summary>
    public static WebApplication MapHealingApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Services.GetRequiredService<AdmissionMetrics>();
        app.UseMiddleware<AdmissionMiddleware>();
        app.UseMiddleware<Api.TelemetryFastPath>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapOpenApi();
        app.MapTenantsApi();
        app.MapDeploymentsApi();
        app.MapTelemetryApi();
        app.MapOtlpApi();
        app.MapFingerprintsApi();
        app.MapAdaptationsApi();
        app.MapModulesApi();
        app.MapActionsApi();
        app.MapPolicyApi();
        app.MapAuditApi();
        app.MapUsersApi();
        app.MapModelsApi();
        app.MapFederationApi();
        return app;
    }
}
