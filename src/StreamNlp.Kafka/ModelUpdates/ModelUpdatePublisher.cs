using System.Text.Json;
using Confluent.Kafka;
using StreamNlp.Core.Contracts;

namespace StreamNlp.Kafka.ModelUpdates;

/// <summary>Announces a task's new current version on the compacted models topic (key: the task).</summary>
public static class ModelUpdatePublisher
{
    public static async Task PublishAsync(string bootstrapServers, string topic, ModelUpdatedEvent update, CancellationToken cancellationToken)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            MessageTimeoutMs = 30_000,
        }).Build();
        await producer.ProduceAsync(topic, new Message<string, byte[]>
        {
            Key = update.Task,
            Value = JsonSerializer.SerializeToUtf8Bytes(update, ContractsJsonContext.Readable.ModelUpdatedEvent),
        }, cancellationToken).ConfigureAwait(false);
    }
}
