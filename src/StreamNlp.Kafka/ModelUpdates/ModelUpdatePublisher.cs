using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamNlp.Core.Contracts;
using StreamNlp.Core.Hashing;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;

namespace StreamNlp.Kafka.ModelUpdates;

/// <summary>
/// Announces a task's new current version on the compacted models topic: first the version's artifact in
/// chunks (see <see cref="ModelArtifactChunks"/>), then the <c>model-updated</c> event (key: the task) that
/// names the artifact's length and SHA-256. The models topic has one partition, so every reader meets the
/// chunks before the event.
/// </summary>
public static class ModelUpdatePublisher
{
    public static ProducerConfig ProducerConfig(KafkaOptions kafka) => KafkaClientConfigs.Producer(kafka, "models", config =>
    {
        config.EnableIdempotence = true; // chunks and event in order, once each, even across retries
    });

    /// <summary>
    /// Publishes <paramref name="artifact"/> (when given) and then <paramref name="update"/> to <paramref name="topic"/>
    /// (default: <see cref="KafkaOptions.ModelsTopic"/>), waiting for each acknowledgement.
    /// </summary>
    public static async Task PublishAsync(
        KafkaOptions kafka, ModelUpdatedEvent update, ILogger logger, CancellationToken cancellationToken, string? topic = null,
        byte[]? artifact = null, int chunkBytes = ModelArtifactChunks.DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(update);
        topic ??= kafka.ModelsTopic;
        using var producer = new ProducerBuilder<string, byte[]>(ProducerConfig(kafka)).RouteLogsTo(logger).Build();
        if (artifact is not null)
        {
            var chunks = ModelArtifactChunks.Split(artifact, chunkBytes);
            for (var i = 0; i < chunks.Count; i++)
            {
                await producer.ProduceAsync(topic, new Message<string, byte[]>
                {
                    Key = ModelArtifactChunks.Key(update.Task, update.Version, i),
                    Value = chunks[i].ToArray(),
                }, cancellationToken).ConfigureAwait(false);
            }

            update = update with
            {
                Artifact = new ModelArtifactReference
                {
                    Sha256 = FileHash.Sha256Of(artifact),
                    Bytes = artifact.Length,
                    Chunks = chunks.Count,
                },
            };
        }

        await producer.ProduceAsync(topic, new Message<string, byte[]>
        {
            Key = update.Task,
            Value = JsonSerializer.SerializeToUtf8Bytes(update, ContractsJsonContext.Readable.ModelUpdatedEvent),
        }, cancellationToken).ConfigureAwait(false);
    }
}
