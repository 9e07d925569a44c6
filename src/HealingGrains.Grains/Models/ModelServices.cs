using Microsoft.Extensions.DependencyInjection;

namespace HealingGrains.Grains.Models;

/// <summary>Registers the model services every silo needs.</summary>
public static class ModelServices
{
    /// <summary>The active models (one copy per silo, hot-switched) and the trainer.</summary>
    public static IServiceCollection AddHealingModels(this IServiceCollection services)
    {
        services.AddOptions<ModelRegistryOptions>();
        services.AddSingleton<ActiveModels>();
        services.AddSingleton<ModelTrainer>();
        return services;
    }
}
