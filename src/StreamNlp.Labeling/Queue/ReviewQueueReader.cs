using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamNlp.Core.Contracts;
using StreamNlp.Http;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Labeling.Configuration;

namespace StreamNlp.Labeling.Queue;

/// <summary>
/// Reads the review topic into the <see cref="ReviewQueue"/> on its own thread, in its own consumer group
/// (<see cref="LabelingOptions.GroupId"/>), committing only offsets whose items are finished. The poll loop never
/// blocks: above <see cref="LabelingOptions.QueueCapacity"/> held items it pauses its partitions and keeps
/// polling, resuming at half. Does nothing when the HTTP endpoint is off (port 0) or the page is disabled.
/// </summary>
public sealed class ReviewQueueReader(
    ReviewQueue queue,
    IOptions<KafkaOptions> kafka,
    IOptions<LabelingOptions> labeling,
    IOptions<HttpOptions> http,
    ILogger<ReviewQueueReader> logger) : BackgroundService
{
    private static readonly TimeSpan CommitInterval = TimeSpan.FromSeconds(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (http.Value.Port == 0 || !labeling.Value.Enabled)
        {
            return Task.CompletedTask;
        }

        return Task.Factory.StartNew(() => Read(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Read(CancellationToken stoppingToken)
    {
        var options = kafka.Value;
        var settings = labeling.Value;
        var topic = options.ReviewTopic;
        var config = ReviewConsumerConfig(options, settings);
        IConsumer<Ignore, byte[]?>? consumerRef = null;
        using var consumer = new ConsumerBuilder<Ignore, byte[]?>(config)
            .SetErrorHandler((_, _) => { }) // librdkafka's log (routed below) reports broker trouble once per interval
            .RouteLogsTo(logger)
            .SetPartitionsRevokedHandler((_, revoked) =>
            {
                var partitions = revoked.Select(p => p.Partition.Value).ToList();
                Commit(consumerRef!, topic, partitions);
                queue.DropPartitions(partitions);
            })
            .Build();
        consumerRef = consumer;
        LabelingLog.Reading(logger, topic, settings.GroupId, options.FeedbackTopic,
            string.IsNullOrEmpty(http.Value.Token) ? "no token: requests from this machine only" : "bearer token");
        consumer.Subscribe(topic);
        var paused = false;
        var lastCommit = DateTime.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(250));
                if (result?.Message is not null)
                {
                    queue.Add(Parse(result.Message.Value), result.Partition.Value, result.Offset.Value);
                }
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                LabelingLog.ConsumeFailed(logger, topic, ex.Error.Reason);
                stoppingToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            }

            var held = queue.Count;
            if (!paused && held >= settings.QueueCapacity)
            {
                consumer.Pause(consumer.Assignment);
                paused = true;
                LabelingLog.Paused(logger, held);
            }
            else if (paused && held <= settings.QueueCapacity / 2)
            {
                consumer.Resume(consumer.Assignment);
                paused = false;
            }

            if (DateTime.UtcNow - lastCommit >= CommitInterval)
            {
                if (paused)
                {
                    consumer.Pause(consumer.Assignment); // partitions assigned while paused stay paused
                }

                Commit(consumer, topic, null);
                lastCommit = DateTime.UtcNow;
            }
        }

        Commit(consumer, topic, null);
        consumer.Close();
    }

    /// <summary>The page's review consumer: its own group, offsets committed by hand once items are finished.</summary>
    internal static ConsumerConfig ReviewConsumerConfig(KafkaOptions kafka, LabelingOptions labeling) =>
        KafkaClientConfigs.Consumer(kafka, labeling.GroupId, "labeling", c => c.EnableAutoCommit = false);

    private void Commit(IConsumer<Ignore, byte[]?> consumer, string topic, IReadOnlyList<int>? partitions)
    {
        var offsets = queue.Committable(partitions);
        if (offsets.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Commit([.. offsets.Select(o => new TopicPartitionOffset(topic, o.Partition, o.Offset))]);
            queue.MarkCommitted(offsets);
        }
        catch (KafkaException ex)
        {
            LabelingLog.CommitFailed(logger, ex.Error.Reason);
        }
    }

    private static ReviewItem? Parse(byte[]? value)
    {
        if (value is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(value, ContractsJsonContext.Default.ReviewItem);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
