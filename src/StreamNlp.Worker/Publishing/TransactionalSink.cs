using Confluent.Kafka;

namespace StreamNlp.Worker.Publishing;

/// <summary>
/// Exactly-once delivery: the batch's records and its input offsets are committed in one Kafka
/// transaction (<c>SendOffsetsToTransaction</c>). On failure the transaction is aborted and the error
/// propagates: the worker stops without committing, and a restart consumes the batch again from
/// the last committed offsets. Only a real broker enforces these semantics; the embedded mock
/// accepts the calls without them (see README).
/// </summary>
public sealed class TransactionalSink(IProducer<byte[]?, byte[]> producer, IConsumer<byte[]?, byte[]?> consumer, TimeSpan timeout) : IBatchSink
{
    public async Task DeliverAsync(IReadOnlyList<OutgoingRecord> records, IReadOnlyList<TopicPartitionOffset> nextOffsets, CancellationToken cancellationToken)
    {
        producer.BeginTransaction();
        try
        {
            await Task.WhenAll(records.Select(r => producer.ProduceAsync(r.Topic, r.Message, cancellationToken))).ConfigureAwait(false);
            producer.SendOffsetsToTransaction(nextOffsets, consumer.ConsumerGroupMetadata, timeout);
            producer.CommitTransaction(timeout);
        }
        catch
        {
            try
            {
                producer.AbortTransaction(timeout);
            }
            catch (KafkaException)
            {
                // The original failure is the one worth reporting.
            }

            throw;
        }
    }
}
