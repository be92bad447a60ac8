using Confluent.Kafka;
using Polly;

namespace StreamNlp.Worker.Publishing;

/// <summary>
/// At-least-once delivery: produce every record, wait for every acknowledgement (retrying transient
/// failures through the publish pipeline), and only then store the next offsets and commit them.
/// A crash before the commit means the batch is consumed again: duplicates are possible, loss is not.
/// The commit is synchronous per batch (one round trip, small next to a batch's inference) so that a
/// rebalance finds everything finished already committed: a broker may refuse commits while a rebalance
/// is under way (the embedded mock does), and waiting for the periodic auto-commit would hand up to a
/// second of finished work to the partition's next owner. A refused commit is not an error: the offsets
/// stay stored, and auto-commit, the revoke handler or shutdown commit them.
/// </summary>
/// <param name="hold">Told when a commit is refused because the group is rebalancing, so no new batch starts until it is over.</param>
public sealed class AtLeastOnceSink(
    IProducer<byte[]?, byte[]> producer, IConsumer<byte[]?, byte[]?> consumer, ResiliencePipeline publishPipeline, Ingestion.RebalanceHold? hold = null) : IBatchSink
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

        var stored = new List<TopicPartitionOffset>(nextOffsets.Count);
        foreach (var offset in nextOffsets)
        {
            try
            {
                consumer.StoreOffset(offset);
                stored.Add(offset);
            }
            catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_State)
            {
                // The partition was revoked while the batch ran: its new owner will consume these
                // records again (at-least-once), so there is nothing to store here.
            }
        }

        if (stored.Count > 0)
        {
            try
            {
                consumer.Commit(stored);
            }
            catch (KafkaException ex)
            {
                // Stored offsets are committed later (auto-commit, revoke, shutdown); see the summary.
                if (ex.Error.Code == ErrorCode.RebalanceInProgress)
                {
                    hold?.Begin();
                }
            }
        }
    }
}
