using System.Diagnostics;
using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Registry;
using StreamNlp.Core.Contracts;
using StreamNlp.Core.Tasks;
using StreamNlp.Kafka.Embedded;
using StreamNlp.Kafka.Topics;
using StreamNlp.Worker.Batching;
using StreamNlp.Worker.Configuration;
using StreamNlp.Worker.Inference;
using StreamNlp.Worker.Ingestion;
using StreamNlp.Worker.Publishing;

namespace StreamNlp.Worker.Hosting;

/// <summary>
/// The enrichment worker. A dedicated thread runs the blocking Kafka consume loop, parses and
/// tokenizes each record and writes it to a bounded channel (back-pressure when inference lags).
/// The main loop takes micro-batches from the channel, enriches them (one encoder run per batch),
/// delivers the results and only then marks the inputs consumed.
/// On stop: the consume loop ends, the batch in flight finishes and is committed, records still in
/// the channel are handed back (not committed, so they are consumed again), the producer flushes,
/// the consumer commits and closes.
/// </summary>
public sealed class EnrichmentWorker(
    IOptions<KafkaOptions> kafkaOptions,
    IOptions<BatchingOptions> batchingOptions,
    IOptions<InputOptions> inputOptions,
    IOptions<ModelOptions> modelOptions,
    IOptions<ReviewOptions> reviewOptions,
    IModelBundleProvider models,
    ResiliencePipelineProvider<string> pipelines,
    TimeProvider time,
    ILogger<EnrichmentWorker> logger,
    IHostApplicationLifetime lifetime,
    EmbeddedKafkaCluster? embedded = null) : BackgroundService
{
    private long _processed;
    private long _deadLettered;

    /// <summary>Records published to the output topic so far.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Records published to the dead-letter topic so far.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>
    /// Creates the topics and loads the models before the host reports started, so a missing topic or
    /// a refused model stops start-up with its reason, and clients can subscribe as soon as the host runs.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var kafka = kafkaOptions.Value;
        if (kafka.CreateTopics && kafka.BootstrapServers is { } bootstrap)
        {
            var specs = kafka.EffectiveInputTopics.Append(kafka.OutputTopic).Append(kafka.DeadLetterTopic)
                .Append(kafka.ReviewTopic).Append(kafka.FeedbackTopic)
                .Distinct(StringComparer.Ordinal)
                .Select(t => new TopicSpec(t, kafka.Partitions))
                .Append(new TopicSpec(kafka.ModelsTopic, 1, Compacted: true))
                .ToList();
            await TopicProvisioner.EnsureTopicsAsync(bootstrap, specs, embedded, cancellationToken).ConfigureAwait(false);
        }

        _ = models.Current;
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var kafka = kafkaOptions.Value;
        var bootstrap = kafka.BootstrapServers
            ?? throw new InvalidOperationException("StreamNlp:Kafka:BootstrapServers is not set and no embedded broker was started.");
        await Task.Yield();
        var bundle = models.Current;
        var maxTokens = modelOptions.Value.MaxTokens;
        var maxBytes = inputOptions.Value.MaxMessageBytes;
        var batching = batchingOptions.Value;

        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(KafkaClientFactory.ConsumerConfig(kafka, bootstrap))
            .SetErrorHandler((_, e) => WorkerLog.ConsumeError(logger, e.Reason))
            .SetLogHandler((_, m) => KafkaLogBridge.Route(logger, m))
            .SetPartitionsAssignedHandler((_, parts) => WorkerLog.PartitionsAssigned(logger, string.Join(",", parts)))
            .SetPartitionsRevokedHandler((_, parts) => WorkerLog.PartitionsRevoked(logger, string.Join(",", parts)))
            .Build();
        using var producer = new ProducerBuilder<byte[]?, byte[]>(KafkaClientFactory.ProducerConfig(kafka, bootstrap))
            .SetLogHandler((_, m) => KafkaLogBridge.Route(logger, m))
            .Build();
        var timeout = TimeSpan.FromMilliseconds(kafka.MessageTimeoutMs);
        IBatchSink sink;
        if (kafka.ExactlyOnce)
        {
            producer.InitTransactions(timeout);
            sink = new TransactionalSink(producer, consumer, timeout);
        }
        else
        {
            sink = new AtLeastOnceSink(producer, consumer, pipelines.GetPipeline(ResiliencePipelineKeys.Publish));
        }

        var deadLetters = new DeadLetterFactory(kafka.DeadLetterTopic, time);
        var review = new ReviewRouter(kafka.ReviewTopic, reviewOptions.Value);
        var enricher = new BatchEnricher(models, kafka.OutputTopic, deadLetters, review, pipelines.GetPipeline(ResiliencePipelineKeys.Inference), time, logger);
        var channel = Channel.CreateBounded<ConsumedInput>(new BoundedChannelOptions(batching.ChannelCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var batcher = new MicroBatcher<ConsumedInput>(
            channel.Reader,
            new BatchPolicy(batching.MaxBatchSize, TimeSpan.FromMilliseconds(batching.MaxWaitMs), batching.MaxBatchTokens),
            static i => Math.Max(1, i.TokenCount),
            time);

        consumer.Subscribe(kafka.EffectiveInputTopics);
        WorkerLog.Started(logger, string.Join(",", kafka.EffectiveInputTopics), kafka.GroupId, bootstrap,
            kafka.ExactlyOnce ? "exactly-once" : "at-least-once", kafka.OutputTopic, kafka.DeadLetterTopic);

        using var stopConsuming = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var consumeLoop = Task.Factory.StartNew(
            () => ConsumeLoop(consumer, channel.Writer, bundle.Tokenizer, maxTokens, maxBytes, stopConsuming.Token),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        try
        {
            while (true)
            {
                IReadOnlyList<ConsumedInput>? batch;
                try
                {
                    batch = await batcher.NextBatchAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                if (batch is null)
                {
                    break; // the consume loop ended
                }

                // Between batches: swap in heads that were promoted or rolled back since the last batch.
                foreach (var swap in models.ApplyPendingUpdates())
                {
                    if (swap.Error is null)
                    {
                        WorkerLog.HeadSwapped(logger, swap.Task.ToName(), swap.FromVersion, swap.ToVersion);
                    }
                    else
                    {
                        WorkerLog.HeadSwapFailed(logger, swap.Task.ToName(), swap.ToVersion, swap.FromVersion, swap.Error);
                    }
                }

                // The batch in flight finishes even when stop is requested: it is bounded by the host's shutdown timeout.
                var started = Stopwatch.GetTimestamp();
                var records = await enricher.EnrichAsync(batch, CancellationToken.None).ConfigureAwait(false);
                await sink.DeliverAsync(records, NextOffsets(batch), CancellationToken.None).ConfigureAwait(false);
                foreach (var record in records)
                {
                    switch (record.Kind)
                    {
                        case OutgoingKind.DeadLetter:
                            Interlocked.Increment(ref _deadLettered);
                            WorkerLog.DeadLettered(logger, record.Input.Source.ToString(),
                                record.Input.Parsed.ErrorCode ?? InputErrors.InferenceFailed, record.Input.Parsed.ErrorDetail ?? "");
                            break;
                        case OutgoingKind.Enriched:
                            Interlocked.Increment(ref _processed);
                            break;
                    }
                }

                WorkerLog.BatchDone(logger, batch.Count, batch.Count * batch.Max(b => b.TokenCount), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        catch (Exception ex)
        {
            WorkerLog.Failed(logger, ex);
            await stopConsuming.CancelAsync().ConfigureAwait(false);
            await IgnoreFailure(consumeLoop).ConfigureAwait(false);
            consumer.Close();
            lifetime.StopApplication();
            throw;
        }

        await stopConsuming.CancelAsync().ConfigureAwait(false);
        await IgnoreFailure(consumeLoop).ConfigureAwait(false);
        WorkerLog.Stopping(logger, Processed, DeadLettered);
        producer.Flush(timeout);
        if (!kafka.ExactlyOnce)
        {
            try
            {
                consumer.Commit();
            }
            catch (KafkaException ex) when (ex.Error.Code is ErrorCode.Local_NoOffset)
            {
                // nothing new since the last auto-commit
            }
        }

        consumer.Close();
        if (consumeLoop.IsFaulted)
        {
            await consumeLoop.ConfigureAwait(false); // surface the consume loop's failure
        }
    }

    private void ConsumeLoop(
        IConsumer<byte[]?, byte[]?> consumer,
        ChannelWriter<ConsumedInput> writer,
        Models.Tokenization.TextTokenizer tokenizer,
        int maxTokens,
        int maxBytes,
        CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                ConsumeResult<byte[]?, byte[]?>? result;
                try
                {
                    result = consumer.Consume(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    WorkerLog.ConsumeError(logger, ex.Error.Reason);
                    continue;
                }

                if (result?.Message is null)
                {
                    continue;
                }

                var value = result.Message.Value;
                var parsed = InputParser.Parse(value ?? [], maxBytes);
                Models.Tokenization.TokenizedText? tokens = null;
                if (parsed.IsValid)
                {
                    try
                    {
                        tokens = tokenizer.Tokenize(parsed.Text!, maxTokens);
                    }
                    catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
                    {
                        parsed = InputParseResult.Invalid(InputErrors.TokenizationFailed, $"{ex.GetType().Name}: {ex.Message}");
                    }
                }

                var input = new ConsumedInput(
                    result.TopicPartitionOffset,
                    result.Message.Key,
                    value,
                    result.Message.Headers,
                    result.Message.Timestamp,
                    Stopwatch.GetTimestamp(),
                    parsed,
                    tokens);
                try
                {
                    if (!writer.TryWrite(input))
                    {
                        writer.WriteAsync(input, cancellationToken).AsTask().GetAwaiter().GetResult();
                    }
                }
                catch (OperationCanceledException)
                {
                    break; // not handed to the pipeline, not committed: consumed again after restart
                }
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }

    /// <summary>Per partition, the offset after the highest one in the batch (records arrive in offset order).</summary>
    internal static IReadOnlyList<TopicPartitionOffset> NextOffsets(IReadOnlyList<ConsumedInput> batch) =>
        [.. batch.GroupBy(i => i.Coordinates.TopicPartition)
            .Select(g => new TopicPartitionOffset(g.Key, new Offset(g.Max(i => i.Coordinates.Offset.Value) + 1)))];

    private static async Task IgnoreFailure(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // reported by the caller when it matters
        }
    }
}
