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
/// still learns of it) and asks the <see cref="IModelUpdateTarget"/> (the worker's model provider) to serve
/// each announced version. The worker swaps heads in its batch loop, between batches, so no record is lost
/// or processed twice by it.
/// Every worker instance reads every event: its group id is unique and it never commits.
/// </summary>
public sealed class ModelUpdateListener(
    IOptions<KafkaOptions> kafkaOptions,
    IModelUpdateTarget models,
    ILogger<ModelUpdateListener> logger) : BackgroundService
{
    /// <summary>A group of its own (every instance reads every event), never committing.</summary>
    public static ConsumerConfig ConsumerConfig(KafkaOptions kafka) =>
        KafkaClientConfigs.Consumer(kafka, $"streamnlp-models-{Environment.MachineName}-{Guid.NewGuid():N}", "models",
            config => config.EnableAutoCommit = false);

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
        using var consumer = new ConsumerBuilder<string?, byte[]?>(ConsumerConfig(kafka))
            .SetErrorHandler((_, e) => monitor.OnError(e))
            .RouteLogsTo(logger)
            .Build();
        consumer.Subscribe(kafka.ModelsTopic);
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

                if (result?.Message?.Value is not { } value)
                {
                    continue;
                }

                monitor.OnAlive();
                Handle(value, result.TopicPartitionOffset.ToString());
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

    private void Handle(byte[] value, string source)
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
        models.RequestUpdate(task, update.Version);
    }
}
