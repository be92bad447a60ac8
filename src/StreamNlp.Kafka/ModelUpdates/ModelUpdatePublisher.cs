using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamNlp.Core.Contracts;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;

namespace StreamNlp.Kafka.ModelUpdates;

/// <summary>Announces a task's new current version on the compacted models topic (key: the task).</summary>
public static class ModelUpdatePublisher
{
    public static ProducerConfig ProducerConfig(KafkaOptions kafka) => KafkaClientConfigs.Producer(kafka, "models");

    /// <summary>Publishes <paramref name="update"/> to <paramref name="topic"/> (default: <see cref="KafkaOptions.ModelsTopic"/>) and waits for its acknowledgement.</summary>
    public static async Task PublishAsync(KafkaOptions kafka, ModelUpdatedEvent update, ILogger logger, CancellationToken cancellationToken, string? topic = null)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(update);
        using var producer = new ProducerBuilder<string, byte[]>(ProducerConfig(kafka)).RouteLogsTo(logger).Build();
        await producer.ProduceAsync(topic ?? kafka.ModelsTopic, new Message<string, byte[]>
        {
            Key = update.Task,
            Value = JsonSerializer.SerializeToUtf8Bytes(update, ContractsJsonContext.Readable.ModelUpdatedEvent),
        }, cancellationToken).ConfigureAwait(false);
    }
}
