using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace HealingGrains.Storage;

/// <summary>Registers the row store and the grain storage built on it.</summary>
public static class RowStoreHostingExtensions
{
    /// <summary>Registers <see cref="SqliteRowStore"/> as the <see cref="IRowStore"/> on the file at <paramref name="dataSource"/>.</summary>
    public static IServiceCollection AddSqliteRowStore(this IServiceCollection services, Func<IServiceProvider, string> dataSource) =>
        services.AddSingleton<IRowStore>(sp => new SqliteRowStore(new SqliteRowStoreOptions { DataSource = dataSource(sp) }));

    /// <summary>Adds a grain storage named <paramref name="name"/> on the registered <see cref="IRowStore"/>.</summary>
    public static ISiloBuilder AddRowStoreGrainStorage(this ISiloBuilder builder, string name)
    {
        builder.Services.AddGrainStorage(name, (sp, storageName) => new RowStoreGrainStorage(
            storageName,
            sp.GetRequiredService<IRowStore>(),
            new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value,
            sp.GetService<IGrainContextAccessor>()));
        return builder;
    }

    /// <summary>
    /// Adds Orleans reminders kept in the registered <see cref="IRowStore"/> (<see cref="RowStoreReminderTable"/>), so
    /// that a reminder outlives the silo that registered it.
    /// </summary>
    public static ISiloBuilder AddRowStoreReminders(this ISiloBuilder builder)
    {
        builder.AddReminders();
        builder.Services.AddSingleton<IReminderTable, RowStoreReminderTable>();
        return builder;
    }
}
