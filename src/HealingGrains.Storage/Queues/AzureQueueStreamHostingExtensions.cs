namespace HealingGrains.Storage.Queues;

/// <summary>Registers the Azure queue stream provider on a silo.</summary>
public static class AzureQueueStreamHostingExtensions
{
    /// <summary>
    /// Adds a persistent stream provider named <paramref name="name"/> on Azure Storage queues, with options read when
    /// the silo starts.
    /// </summary>
    public static ISiloBuilder AddAzureQueueStreams(this ISiloBuilder silo, string name, Func<IServiceProvider, AzureQueueStreamOptions> options)
    {
        silo.AddPersistentStreams(name, (services, providerName) => AzureQueueStreamAdapterFactory.Create(services, providerName, options(services)), stream =>
        {
            stream.UseConsistentRingQueueBalancer();

            // A consumer whose grain lived on a silo that just died fails until the cluster declares that silo dead; the
            // agent keeps retrying the event for longer than that. An event it gives up on is not deleted from its
            // queue, and is read again after the visibility timeout. One queued batch per delivery call: the agent says a
            // call failed without saying which batches it held, so the cache must know that it held exactly the last one
            // taken (CursorQueueCache); a message is one publication, up to a request's events for one deployment.
            stream.ConfigurePullingAgent(agent => agent.Configure(o =>
            {
                o.MaxEventDeliveryTime = TimeSpan.FromMinutes(3);
                o.BatchContainerBatchSize = 1;
            }));
        });
        return silo;
    }
}
