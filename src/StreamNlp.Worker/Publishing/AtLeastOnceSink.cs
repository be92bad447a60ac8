using Confluent.Kafka;
using Polly;

namespace StreamNlp.Worker.Publishing;

/// <summary>
/// At-least-once delivery: produce every record, wait for every acknowledgement (retrying transient
/// failures through the publish pipeline), and only then store the next offsets, which the consumer
/// commits (auto-commit of stored offsets, and a final commit on shutdown). A crash before the store
/// means the batch is consumed again: duplicates are possible, loss is not.
/// </summary>
public sealed class AtLeastOnceSink(IProducer<byte[]?, byte[]> producer, IConsumer<byte[]?, byte[]?> consumer, ResiliencePipeline publishPipeline) : IBatchSink
{
    public async Task DeliverAsync(IReadOnlyList<OutgoingRecord> records, IReadOnlyList<TopicPartitionOffset> nextOffsets, CancellationToken cancellationToken)
    {
        var pending = records.ToList();
        await publishPipeline.ExecuteAsync(async token =>
        {
            var attempts = pending.Select(r => (Record: r, Task: producer.ProduceAsync(r.Topic, r.Message, token))).ToList();
            try
            {
                await Task.WhenAll(attempts.Select(a => a.Task)).ConfigureAwait(false);
            }
            catch (ProduceException<byte[]?, byte[]>)
            {
                // Keep only the ones that failed for the next attempt; rethrow the first failure.
                pending = [.. attempts.Where(a => !a.Task.IsCompletedSuccessfully).Select(a => a.Record)];
                throw;
            }

            pending = [];
        }, cancellationToken).ConfigureAwait(false);

        foreach (var offset in nextOffsets)
        {
            try
            {
                consumer.StoreOffset(offset);
            }
            catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_State)
            {
                // The partition was revoked while the batch ran: its new owner will consume these
                // records again (at-least-once), so there is nothing to store here.
            }
        }
    }
}
