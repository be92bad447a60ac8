using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamNlp.Core.Contracts;
using StreamNlp.Core.Tasks;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;

namespace StreamNlp.Kafka.ModelUpdates;

/// <summary>
/// Follows the compacted models topic from its beginning (so a worker that starts after a promotion
/// still learns of it). Artifact chunks are joined (<see cref="ModelArtifactAssembler"/>); at each
/// <c>model-updated</c> event the version's archive, checked against the event, is written into this
/// process's registry by each <see cref="IModelUpdateTarget"/> (the worker's model provider, which then serves
/// it; the retrainer's registry follower, which numbers its next version after it), one after the other on this
/// thread, so two targets on one registry folder never import at once (the second finds the version present). The worker swaps heads between batches, so no record is lost or processed twice by it. A missing,
/// truncated or corrupt artifact is refused with the reason and the serving head stays.
/// Every worker instance reads every event: its group id is unique and it never commits.
/// </summary>
public sealed class ModelUpdateListener(
    IOptions<KafkaOptions> kafkaOptions,
    IEnumerable<IModelUpdateTarget> targets,
    ILogger<ModelUpdateListener> logger,
    ModelsTopicProgress? progress = null) : BackgroundService
{
    private readonly IReadOnlyList<IModelUpdateTarget> _targets = [.. targets];

    /// <summary>A group of its own (every instance reads every event), never committing.</summary>
    public static ConsumerConfig ConsumerConfig(KafkaOptions kafka) =>
        KafkaClientConfigs.Consumer(kafka, $"streamnlp-models-{Environment.MachineName}-{Guid.NewGuid():N}", "models", config =>
        {
            config.EnableAutoCommit = false;
            config.EnablePartitionEof = true; // to know when the topic has been read to its end (ModelsTopicProgress)
        });

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Listen(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Listen(CancellationToken stoppingToken)
    {
        var kafka = kafkaOptions.Value;
        if (string.IsNullOrWhiteSpace(kafka.BootstrapServers))
        {
            return;
        }

        var monitor = new BrokerConnectionMonitor(logger, TimeProvider.System, TimeSpan.Zero); // one line per state change, not per error
        var artifacts = new ModelArtifactAssembler();
        using var consumer = new ConsumerBuilder<string?, byte[]?>(ConsumerConfig(kafka))
            .SetErrorHandler((_, e) => monitor.OnError(e))
            .RouteLogsTo(logger)
            .Build();
        consumer.Subscribe(kafka.ModelsTopic);
        var atEnd = new HashSet<TopicPartition>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ConsumeResult<string?, byte[]?>? result;
                try
                {
                    result = consumer.Consume(stoppingToken);
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    monitor.OnError(ex.Error);
                    continue;
                }

                if (result is { IsPartitionEOF: true })
                {
                    atEnd.Add(result.TopicPartition);
                    if (progress is not null && !progress.CaughtUp && consumer.Assignment.Count > 0 && consumer.Assignment.All(atEnd.Contains))
                    {
                        progress.MarkCaughtUp();
                        KafkaLog.ModelsTopicCaughtUp(logger, kafka.ModelsTopic);
                    }

                    continue;
                }

                if (result?.Message?.Value is not { } value)
                {
                    continue;
                }

                monitor.OnAlive();
                if (ModelArtifactChunks.TryParseKey(result.Message.Key, out var chunkTask, out var chunkVersion, out var index))
                {
                    artifacts.Add(chunkTask, chunkVersion, index, value);
                    continue;
                }

                Handle(value, result.TopicPartitionOffset.ToString(), artifacts);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        finally
        {
            consumer.Close();
        }
    }

    private void Handle(byte[] value, string source, ModelArtifactAssembler artifacts)
    {
        ModelUpdatedEvent? update;
        try
        {
            update = JsonSerializer.Deserialize(value, ContractsJsonContext.Default.ModelUpdatedEvent);
        }
        catch (JsonException ex)
        {
            KafkaLog.ModelUpdateMalformed(logger, source, ex.Message);
            return;
        }

        if (update is null || update.Type != ModelUpdatedEvent.EventType || !NlpTaskNames.TryParse(update.Task, out var task) || string.IsNullOrWhiteSpace(update.Version))
        {
            KafkaLog.ModelUpdateMalformed(logger, source, "not a model-updated event with a known task and a version");
            return;
        }

        KafkaLog.ModelUpdateReceived(logger, task.ToName(), update.Version, update.Reason);
        if (update.Artifact is { } reference)
        {
            var archive = artifacts.Take(update.Task, update.Version, reference, out var problem);
            foreach (var target in _targets)
            {
                problem ??= target.ImportArtifact(task, update.Version, archive!);
            }

            if (problem is not null)
            {
                KafkaLog.ModelArtifactRefused(logger, task.ToName(), update.Version, problem);
                return;
            }
        }

        foreach (var target in _targets)
        {
            target.RequestUpdate(task, update.Version);
        }
    }
}
