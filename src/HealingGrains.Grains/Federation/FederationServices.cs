using Microsoft.Extensions.DependencyInjection;

namespace HealingGrains.Grains.Federation;

/// <summary>Registers what every silo needs for federation.</summary>
public static class FederationServices
{
    /// <summary>The keys (one load per silo), the tenant side and the exchange between installations.</summary>
    public static IServiceCollection AddHealingFederation(this IServiceCollection services)
    {
        services.AddOptions<FederationSettings>();
        services.AddSingleton<FederationKeys>();
        services.AddSingleton<FederationService>();
        services.AddSingleton<FederationExchange>();
        return services;
    }
}
