using System.Text.Json;
using Confluent.Kafka;
using StreamNlp.Core.Contracts;
using StreamNlp.Core.Hashing;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Registry;

namespace StreamNlp.Worker.ModelUpdates;

/// <summary>Announces a task's new current version on the compacted models topic (key: the task).</summary>
public static class ModelUpdatePublisher
{
    public static ModelUpdatedEvent CreateEvent(ModelRegistry registry, NlpTask task, HeadManifest manifest, string? previousVersion, string reason, DateTimeOffset at) => new()
    {
        Task = task.ToName(),
        Version = manifest.Version,
        PreviousVersion = previousVersion,
        Reason = reason,
        Metrics = manifest.Metrics,
        ManifestSha256 = FileHash.Sha256Of(Path.Combine(registry.VersionDirectory(task, manifest.Version), HeadContract.ManifestFileName)),
        At = at,
    };

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
