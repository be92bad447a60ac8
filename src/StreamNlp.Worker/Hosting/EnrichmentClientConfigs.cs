using Confluent.Kafka;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;

namespace StreamNlp.Worker.Hosting;

/// <summary>
/// What the enrichment worker asks of its two clients on top of <see cref="KafkaClientConfigs"/> (which
/// supplies brokers, security and the operator's extra properties).
/// </summary>
public static class EnrichmentClientConfigs
{
    public static ConsumerConfig Consumer(KafkaOptions kafka) =>
        KafkaClientConfigs.Consumer(kafka, kafka.GroupId, "worker", config =>
        {
            // Offsets are stored by us only after the output is acknowledged; the client then commits
            // what was stored (periodically and on close). In exactly-once mode the transaction commits them.
            config.EnableAutoOffsetStore = false;
            config.EnableAutoCommit = !kafka.ExactlyOnce;
            config.AutoCommitIntervalMs = 1000;
            config.IsolationLevel = IsolationLevel.ReadCommitted;
            // Incremental rebalances either way: a join or leave moves only the partitions that change owner;
            // the others keep flowing. The worker's revoke handler finishes and commits the batch in flight.
            if (kafka.GroupProtocol == GroupProtocol.Consumer)
            {
                // The broker assigns; the classic-only keys among the shared extras are left out (KafkaClientConfigs).
                config.GroupProtocol = GroupProtocol.Consumer;
            }
            else
            {
                config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
            }

            config.GroupInstanceId = kafka.GroupInstanceId;
            // Broker states for the connection monitor (a recovered broker sends no other signal).
            config.StatisticsIntervalMs = 5000;
            // How long a fetch may wait at the broker when nothing is there yet. A real broker answers as soon
            // as data arrives, so this only matters when idle; some brokers (librdkafka's mock, the embedded
            // one) answer a waiting fetch only at this time-out, where librdkafka's 500 ms default becomes the
            // floor of every record's latency. 100 ms costs at most ten empty fetches a second per broker.
            config.FetchWaitMaxMs = 100;
        });

    public static ProducerConfig Producer(KafkaOptions kafka) =>
        KafkaClientConfigs.Producer(kafka, "worker", config =>
        {
            config.LingerMs = 5;
            config.CompressionType = CompressionType.Lz4;
            if (kafka.ExactlyOnce)
            {
                config.TransactionalId = $"{kafka.GroupId}-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
            }
        });
}
