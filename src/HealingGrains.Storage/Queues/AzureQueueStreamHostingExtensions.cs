namespace HealingGrains.Storage.Queues;

/// <summary>Registers the Azure queue stream provider on a silo.</summary>
public static class AzureQueueStreamHostingExtensions
{
    /// <summary>
    /// Adds a persistent stream provider named <paramref name="name"/> on Azure Storage queues, with options read when
    /// the silo starts. <paramref name="deliveryBatchSize"/>: how many queued batches of one stream its consumer may get
    /// in one call (a consumer that is an <c>IAsyncBatchObserver</c>).
    /// </summary>
    public static ISiloBuilder AddAzureQueueStreams(
        this ISiloBuilder silo, string name, Func<IServiceProvider, AzureQueueStreamOptions> options, int deliveryBatchSize = 1)
    {
        silo.AddPersistentStreams(name, (services, providerName) => AzureQueueStreamAdapterFactory.Create(services, providerName, options(services)), stream =>
        {
            stream.UseConsistentRingQueueBalancer();

            // A consumer whose grain lived on a silo that just died fails until the cluster declares that silo dead; the
            // agent keeps retrying the event for longer than that. An event it gives up on is not deleted from its
            // queue, and is read again after the visibility timeout.
            stream.ConfigurePullingAgent(agent => agent.Configure(o =>
            {
                o.MaxEventDeliveryTime = TimeSpan.FromMinutes(3);
                o.BatchContainerBatchSize = deliveryBatchSize;
            }));
        });
        return silo;
    }
}
