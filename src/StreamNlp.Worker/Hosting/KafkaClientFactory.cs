using Confluent.Kafka;
using StreamNlp.Worker.Configuration;

namespace StreamNlp.Worker.Hosting;

/// <summary>Builds the worker's consumer and producer from <see cref="KafkaOptions"/>.</summary>
public static class KafkaClientFactory
{
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
        };
        foreach (var (key, value) in options.Consumer)
        {
            config.Set(key, value);
        }

        return config;
    }

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
