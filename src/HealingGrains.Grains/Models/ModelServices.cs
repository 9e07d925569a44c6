using Microsoft.Extensions.DependencyInjection;

namespace HealingGrains.Grains.Models;

/// <summary>Registers the model services every silo needs.</summary>
public static class ModelServices
{
    /// <summary>The active models (one copy per silo, hot-switched), the trainer, and the ingest pressure the classifiers report.</summary>
    public static IServiceCollection AddHealingModels(this IServiceCollection services)
    {
        services.AddOptions<ModelRegistryOptions>();
        services.AddSingleton<ActiveModels>();
        services.AddSingleton<Telemetry.IngestPressure>();
        services.AddSingleton<ModelTrainer>();
        return services;
    }
}
