using Confluent.Kafka;

namespace StreamNlp.Worker.Publishing;

/// <summary>
/// Delivers a batch's outgoing records and then marks its inputs consumed. Implementations never
/// mark an input consumed before its record (or dead letter) is acknowledged by the broker.
/// </summary>
public interface IBatchSink
{
    Task DeliverAsync(IReadOnlyList<OutgoingRecord> records, IReadOnlyList<TopicPartitionOffset> nextOffsets, CancellationToken cancellationToken);
}
