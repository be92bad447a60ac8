using Confluent.Kafka;
using StreamNlp.Kafka.Configuration;

namespace StreamNlp.Kafka.Clients;

/// <summary>Builds the worker's consumer and producer from <see cref="KafkaOptions"/>.</summary>
public static class KafkaClientFactory
{
    /// <summary>librdkafka's default <c>message.max.bytes</c>.</summary>
    public const int DefaultMaxMessageBytes = 1_000_000;

    public static ConsumerConfig ConsumerConfig(KafkaOptions options, string bootstrapServers)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = options.GroupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // Offsets are stored by us only after the output is acknowledged; the client then commits
            // what was stored (periodically and on close). In exactly-once mode the transaction commits them.
            EnableAutoOffsetStore = false,
            EnableAutoCommit = !options.ExactlyOnce,
            AutoCommitIntervalMs = 1000,
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnablePartitionEof = false,
            ClientId = $"streamnlp-worker-{Environment.MachineName}",
            // Incremental rebalances: a join or leave moves only the partitions that change owner; the
            // others keep flowing. The worker's revoke handler finishes and commits the batch in flight.
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            GroupInstanceId = options.GroupInstanceId,
            // Broker states for the connection monitor (a recovered broker sends no other signal).
            StatisticsIntervalMs = 5000,
        };
        foreach (var (key, value) in options.Consumer)
        {
            config.Set(key, value);
        }

        return config;
    }

    /// <summary>The producer's <c>message.max.bytes</c>: the configured value, else librdkafka's default.</summary>
    public static int MaxMessageBytes(KafkaOptions options) =>
        options.Producer.TryGetValue("message.max.bytes", out var configured)
        && int.TryParse(configured, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var bytes) && bytes > 0
            ? bytes
            : DefaultMaxMessageBytes;

    public static ProducerConfig ProducerConfig(KafkaOptions options, string bootstrapServers)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            MessageTimeoutMs = options.MessageTimeoutMs,
            CompressionType = CompressionType.Lz4,
            ClientId = $"streamnlp-worker-{Environment.MachineName}",
        };
        if (options.ExactlyOnce)
        {
            config.TransactionalId = $"{options.GroupId}-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
        }

        foreach (var (key, value) in options.Producer)
        {
            config.Set(key, value);
        }

        return config;
    }
}
