using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace HealingGrains.Storage.Queues;

/// <summary>
/// Reads one Azure queue for a silo's pulling agent. A message read stays hidden for the visibility timeout, and the
/// receiver extends that while the message waits in its silo's cache, so a backlog longer than the timeout is not read
/// again; it is deleted only when the agent reports it delivered. A message the silo could not deliver, or held when it
/// died, becomes visible again after the timeout and is read again. The agent calls a receiver from one loop at a time,
/// so it keeps no locks.
/// </summary>
public sealed partial class AzureQueueStreamReceiver(
    Func<Task<QueueClient>> queue, QueueMessageCodec codec, TimeSpan visibilityTimeout, TimeProvider time, ILogger<AzureQueueStreamReceiver> logger)
    : IQueueAdapterReceiver
{
    // Azure returns at most 32 messages per receive call.
    private const int MaxMessagesPerRead = 32;

    private readonly SortedDictionary<long, Receipt> _pending = [];
    private readonly Dictionary<string, long> _sequenceOf = new(StringComparer.Ordinal);
    private long _nextSequenceNumber;

    /// <summary>Messages read and not yet reported delivered or failed.</summary>
    public int PendingCount => _pending.Count;

    /// <inheritdoc/>
    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    /// <inheritdoc/>
    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken) => await queue();

    /// <inheritdoc/>
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    /// <inheritdoc/>
    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var count = maxCount is <= 0 or > MaxMessagesPerRead ? MaxMessagesPerRead : maxCount;
        var client = await queue();
        await ExtendHiddenAsync(client, cancellationToken);
        var messages = (await client.ReceiveMessagesAsync(count, visibilityTimeout, cancellationToken)).Value;
        var batches = new List<IBatchContainer>(messages.Length);
        foreach (var message in messages)
        {
            QueueMessageBody body;
            try
            {
                body = codec.Decode(message.Body);
            }
            catch (Exception ex) when (ex is InvalidDataException or Orleans.Serialization.SerializerException)
            {
                // A message no silo can read would come back forever: it is logged with its content and removed.
                LogUnreadableMessage(logger, ex, client.Name, message.MessageId, message.Body.ToString());
                await client.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                continue;
            }

            if (_sequenceOf.TryGetValue(message.MessageId, out var held))
            {
                // Read again because an extension came too late: the copy in the cache stands, under the new receipt.
                _pending[held] = NewReceipt(message.MessageId, message.PopReceipt);
                continue;
            }

            var sequenceNumber = _nextSequenceNumber++;
            _pending.Add(sequenceNumber, NewReceipt(message.MessageId, message.PopReceipt));
            _sequenceOf[message.MessageId] = sequenceNumber;
            batches.Add(new QueueBatchContainer { Body = body, Token = new EventSequenceTokenV2(sequenceNumber) });
        }

        return batches;
    }

    /// <inheritdoc/>
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    /// <inheritdoc/>
    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var delivered = messages.Where(m => m is not UndeliveredBatchContainer).Select(m => m.SequenceToken.SequenceNumber).ToHashSet();
        var newest = messages.Max(m => m.SequenceToken.SequenceNumber);

        // The agent reports the cache's oldest messages, each delivered or not (a consumer's delivery failed). One not
        // delivered, or left out up to the newest reported, is let go without a delete: it comes back after the
        // visibility timeout. All are let go before any delete: a delete that fails (storage not answering) ends the
        // call, and a message still held then would be hidden again and again, neither delivered again nor deleted. One
        // let go and not deleted is delivered again after the timeout, and the consumers deduplicate it.
        var toDelete = new List<Receipt>();
        foreach (var sequenceNumber in _pending.Keys.TakeWhile(n => n <= newest).ToList())
        {
            var receipt = _pending[sequenceNumber];
            _pending.Remove(sequenceNumber);
            _sequenceOf.Remove(receipt.MessageId);
            if (delivered.Contains(sequenceNumber))
            {
                toDelete.Add(receipt);
            }
        }

        // Deleted at once rather than one after another: the agent reads the queue again only after this call.
        var client = await queue();
        await Task.WhenAll(toDelete.Select(receipt => DeleteAsync(client, receipt, cancellationToken)));
    }

    private async Task DeleteAsync(QueueClient client, Receipt receipt, CancellationToken cancellationToken)
    {
        try
        {
            await client.DeleteMessageAsync(receipt.MessageId, receipt.PopReceipt, cancellationToken);
        }
        catch (RequestFailedException ex) when (IsReceiptLost(ex))
        {
            // The visibility timeout ran out first and another read holds the message now, or an extension that timed
            // out was applied after all and changed the receipt: it is delivered again, and the consumers'
            // deduplication drops the copy.
            LogDeleteTooLate(logger, client.Name, receipt.MessageId);
        }
    }

    /// <inheritdoc/>
    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    /// <inheritdoc/>
    public Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Messages read and not delivered are not deleted: they come back to whichever silo owns the queue next.
        _pending.Clear();
        _sequenceOf.Clear();
        return Task.CompletedTask;
    }

    // Halfway through its visibility timeout, a message still held is hidden for another timeout.
    private async Task ExtendHiddenAsync(QueueClient client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var (sequenceNumber, receipt) in _pending.Where(p => p.Value.ExtendAt <= now).ToList())
        {
            try
            {
                var updated = await client.UpdateMessageAsync(receipt.MessageId, receipt.PopReceipt, visibilityTimeout: visibilityTimeout, cancellationToken: cancellationToken);
                _pending[sequenceNumber] = NewReceipt(receipt.MessageId, updated.Value.PopReceipt);
            }
            catch (RequestFailedException ex) when (IsReceiptLost(ex))
            {
                // Already visible and read again (here, and then the new receipt is kept, or by another silo), or an
                // extension that timed out (storage did not answer) was applied after all, under a receipt never seen.
                // Either way the message becomes visible again and is read again; extending it would fail forever.
                LogExtendTooLate(logger, client.Name, receipt.MessageId);
                _pending[sequenceNumber] = receipt with { ExtendAt = DateTimeOffset.MaxValue };
            }
        }
    }

    // 404: the message is gone (deleted by a read that took it over). 400 PopReceiptMismatch: it is there under another
    // receipt. Both are final for this receipt: retrying it would fail the same way for as long as the silo lives.
    private static bool IsReceiptLost(RequestFailedException ex) =>
        ex.Status == 404 || (ex.Status == 400 && ex.ErrorCode == "PopReceiptMismatch");

    private Receipt NewReceipt(string messageId, string popReceipt) => new(messageId, popReceipt, time.GetUtcNow() + visibilityTimeout / 2);

    [LoggerMessage(Level = LogLevel.Error, Message = "Removed unreadable message {MessageId} from stream queue {Queue}: {Content}")]
    private static partial void LogUnreadableMessage(ILogger logger, Exception exception, string queue, string messageId, string content);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} of stream queue {Queue} was hidden for longer than the visibility timeout before its delivery: it will be delivered again")]
    private static partial void LogDeleteTooLate(ILogger logger, string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} of stream queue {Queue} became visible before its hiding was extended: it may be delivered again")]
    private static partial void LogExtendTooLate(ILogger logger, string queue, string messageId);

    private sealed record Receipt(string MessageId, string PopReceipt, DateTimeOffset ExtendAt);
}
