using System.Diagnostics;
using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Registry;
using StreamNlp.Core.Contracts;
using StreamNlp.Core.Tasks;
using StreamNlp.Kafka;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Kafka.Embedded;
using StreamNlp.Kafka.Topics;
using StreamNlp.Models.Configuration;
using StreamNlp.Worker.Batching;
using StreamNlp.Worker.Configuration;
using StreamNlp.Worker.Inference;
using StreamNlp.Worker.Ingestion;
using StreamNlp.Worker.Pipeline;
using StreamNlp.Worker.Publishing;
using StreamNlp.Worker.Telemetry;

namespace StreamNlp.Worker.Hosting;

/// <summary>
/// The enrichment worker. A dedicated thread runs the Kafka consume loop (<see cref="InputReader"/>),
/// parses and tokenizes each record and writes it to a channel; past a high mark it pauses the assigned
/// partitions and keeps polling (back-pressure that never blocks a rebalance).
/// The inference stage takes windows from the channel and runs the encoder and heads on them; the delivery
/// stage, overlapped with it, writes each window's records, waits for their acknowledgements and only then
/// marks the inputs consumed, window after window in consumption order.
/// On stop: the consume loop ends, the windows in flight finish and are committed, records still in
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
    Health.WorkerHealth health,
    WorkerMetrics metrics,
    EmbeddedKafkaCluster? embedded = null) : BackgroundService
{
    private long _processed;
    private long _deadLettered;
    private long _batches;

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
        KafkaLog.Settings(logger, "enrichment worker", kafka.ToString());
        if (kafka.CreateTopics && kafka.BootstrapServers is not null)
        {
            await TopicProvisioner.EnsureTopicsAsync(kafka, ServiceTopics.Enrichment(kafka), embedded, logger, cancellationToken).ConfigureAwait(false);
        }

        _ = models.Current;
        health.ModelsLoaded();
        metrics.ServingModels(() => models.Current.Versions);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var kafka = kafkaOptions.Value;
        var bootstrap = kafka.BootstrapServers
            ?? throw new InvalidOperationException("StreamNlp:Kafka:BootstrapServers is not set and no embedded broker was started.");
        await Task.Yield();
        var bundle = models.Current;
        var batching = batchingOptions.Value;
        var monitor = new BrokerConnectionMonitor(logger, time, TimeSpan.FromSeconds(kafka.BrokerLossExitSeconds));
        health.TrackBroker(() => monitor.IsBrokerReachable);
        var generations = new PartitionGenerations();
        var buffer = new BufferGauge(batching.ChannelCapacity);
        var hold = new RebalanceHold(time);
        var joinWatch = kafka.GroupProtocol == GroupProtocol.Consumer ? new GroupJoinWatch(time, GroupJoinWatch.DefaultPatience) : null;

        // Windows between the inference stage and the end of their delivery; a revoke drains them, so what is
        // in flight is finished and committed before its partitions go to another worker.
        using var inFlight = new InFlightWindows();
        var revokeWait = TimeSpan.FromMilliseconds(Math.Min(2L * kafka.MessageTimeoutMs, 240_000));

        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(EnrichmentClientConfigs.Consumer(kafka))
            .SetErrorHandler((_, e) => monitor.OnError(e))
            .SetStatisticsHandler((_, json) =>
            {
                monitor.OnStatistics(json);
                metrics.ConsumerStatistics(json);
                if (joinWatch is not null)
                {
                    joinWatch.OnStatistics(json);
                    if (joinWatch.Joined)
                    {
                        health.Joined(); // ready even when the group gives this worker no partition
                    }
                }
            })
            .RouteLogsTo(logger)
            .SetPartitionsAssignedHandler((_, parts) =>
            {
                generations.Assigned(parts);
                health.Assignment(generations.OwnedCount);
                hold.End();
                monitor.OnAlive();
                WorkerLog.PartitionsAssigned(logger, string.Join(",", parts));
            })
            .SetPartitionsRevokedHandler((c, parts) =>
            {
                OnRevoked(c, [.. parts.Select(p => p.TopicPartition)], generations, inFlight, revokeWait, kafka.ExactlyOnce);
                health.Assignment(generations.OwnedCount);
                hold.End();
            })
            .SetPartitionsLostHandler((_, parts) =>
            {
                generations.Revoked(parts.Select(p => p.TopicPartition));
                health.Assignment(generations.OwnedCount);
                hold.End();
                WorkerLog.PartitionsLost(logger, string.Join(",", parts.Select(p => p.TopicPartition)));
            })
            .Build();
        using var producer = new ProducerBuilder<byte[]?, byte[]>(EnrichmentClientConfigs.Producer(kafka))
            .SetErrorHandler((_, e) => monitor.OnError(e))
            .RouteLogsTo(logger)
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
            sink = new AtLeastOnceSink(producer, consumer, pipelines.GetPipeline(ResiliencePipelineKeys.Publish), hold);
        }

        var maxMessageBytes = KafkaClientConfigs.MaxMessageBytes(kafka);
        var deadLetters = new DeadLetterFactory(kafka.DeadLetterTopic, time, maxMessageBytes);
        var review = new ReviewRouter(kafka.ReviewTopic, reviewOptions.Value);
        var run = new BatchPolicy(batching.MaxBatchSize, TimeSpan.FromMilliseconds(batching.MaxWaitMs), batching.MaxBatchTokens);
        var grouping = batching.LengthWindow > 1 ? new LengthGrouping(run, batching.MaxPaddingWaste) : null;
        var enricher = new BatchEnricher(models, kafka.OutputTopic, deadLetters, review, pipelines.GetPipeline(ResiliencePipelineKeys.Inference), time, logger, maxMessageBytes, grouping)
        {
            SegmentPaddingWaste = batching.MaxPaddingWaste,
        };
        var channel = Channel.CreateUnbounded<ConsumedInput>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        // With grouping, the batcher gathers a window (count and time only); the enricher cuts it into runs.
        var window = grouping is null ? run : new BatchPolicy(Math.Max(batching.LengthWindow, batching.MaxBatchSize), run.MaxWait, int.MaxValue);
        var batcher = new MicroBatcher<ConsumedInput>(channel.Reader, window, static i => Math.Max(1, i.TokenCount), time);
        var reader = new InputReader(consumer, channel.Writer, buffer, generations, monitor, health,
            new InputPreparation(bundle.Segmenter, modelOptions.Value.MaxTokens, inputOptions.Value.MaxMessageBytes), logger, joinWatch, kafka.GroupInstanceId);

        consumer.Subscribe(kafka.EffectiveInputTopics);
        WorkerLog.Started(logger, string.Join(",", kafka.EffectiveInputTopics), kafka.GroupId, bootstrap,
            kafka.ExactlyOnce ? "exactly-once" : "at-least-once", kafka.OutputTopic, kafka.DeadLetterTopic);

        using var stopConsuming = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var consumeLoop = Task.Factory.StartNew(
            () => reader.Run(stopConsuming.Token),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        // The delivery stage runs beside the inference stage: while one window's records are written, produced,
        // acknowledged and committed, the next window is already in the encoder. At most one enriched window
        // waits between them, so a slow broker holds back inference instead of piling up memory.
        var enrichedWindows = Channel.CreateBounded<TracedWindow>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var deliveryFailed = new CancellationTokenSource();
        var delivery = Task.Run(() => DeliverWindowsAsync(enrichedWindows.Reader, enricher, sink, inFlight, deliveryFailed), CancellationToken.None);
        Exception? failure = null;
        try
        {
            await InferWindowsAsync(batcher, buffer, hold, inFlight, generations, enricher, enrichedWindows.Writer, stoppingToken, deliveryFailed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deliveryFailed.IsCancellationRequested)
        {
            // the delivery stage failed; its exception is the one to report
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        enrichedWindows.Writer.TryComplete();
        try
        {
            await delivery.ConfigureAwait(false); // windows already enriched are still delivered and committed
        }
        catch (Exception ex)
        {
            failure ??= ex;
        }

        if (failure is not null)
        {
            WorkerLog.Failed(logger, $"{failure.GetType().Name}: {failure.Message}"); // one line; the stack trace at debug level
            WorkerLog.FailedDetail(logger, failure);
            await stopConsuming.CancelAsync().ConfigureAwait(false);
            await IgnoreFailure(consumeLoop).ConfigureAwait(false);
            CloseQuietly(consumer);
            lifetime.StopApplication();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        await stopConsuming.CancelAsync().ConfigureAwait(false);
        await IgnoreFailure(consumeLoop).ConfigureAwait(false);
        WorkerLog.Stopping(logger, Processed, DeadLettered);
        producer.Flush(timeout);
        if (!kafka.ExactlyOnce)
        {
            CommitStored(consumer);
        }

        if (consumeLoop.IsFaulted)
        {
            CloseQuietly(consumer); // after a fatal client error Close throws it again; the consume loop's report is the one to keep
            lifetime.StopApplication();
            await consumeLoop.ConfigureAwait(false); // surface the consume loop's failure
        }

        consumer.Close();
    }

    /// <summary>
    /// The inference stage: takes windows from the batcher, leaves out records of partitions revoked since they
    /// were consumed, swaps in promoted heads between windows, runs the encoder and heads, and hands each window
    /// to the delivery stage. Returns when stop is requested or the consume loop ended.
    /// </summary>
    private async Task InferWindowsAsync(
        MicroBatcher<ConsumedInput> batcher, BufferGauge buffer, RebalanceHold hold, InFlightWindows inFlight, PartitionGenerations generations,
        BatchEnricher enricher, ChannelWriter<TracedWindow> enrichedWindows, CancellationToken stoppingToken, CancellationToken deliveryFailed)
    {
        using var stopOrFailure = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, deliveryFailed);
        while (true)
        {
            IReadOnlyList<ConsumedInput>? batch;
            try
            {
                batch = await batcher.NextBatchAsync(stopOrFailure.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested && !deliveryFailed.IsCancellationRequested)
            {
                return;
            }

            if (batch is null)
            {
                return; // the consume loop ended
            }

            buffer.Taken(batch.Count);
            await hold.WaitAsync(deliveryFailed).ConfigureAwait(false); // no new work that could not be committed
            await inFlight.EnterAsync(deliveryFailed).ConfigureAwait(false);
            var handedOver = false;
            try
            {
                var live = LiveRecords(batch, generations);
                if (live.Count == 0)
                {
                    continue;
                }

                var trace = BatchTrace.Start(live, Interlocked.Increment(ref _batches));
                try
                {
                    using (WorkerLog.BatchScope(logger, trace.BatchId))
                    using (trace.Enter())
                    {
                        ApplyHeadSwaps();
                        // The window in flight finishes even when stop is requested: it is bounded by the host's shutdown timeout.
                        var started = Stopwatch.GetTimestamp();
                        var annotated = await enricher.AnnotateAsync(live, CancellationToken.None).ConfigureAwait(false);
                        var inferred = Stopwatch.GetElapsedTime(started);
                        metrics.BatchEnriched(live.Count, annotated.PaddedTokens, inferred);
                        WorkerLog.WindowInferred(logger, live.Count, annotated.EncoderRuns, inferred.TotalMilliseconds);
                        await enrichedWindows.WriteAsync(new TracedWindow(annotated, trace), deliveryFailed).ConfigureAwait(false);
                    }

                    handedOver = true;
                }
                finally
                {
                    if (!handedOver)
                    {
                        trace.Dispose();
                    }
                }
            }
            finally
            {
                if (!handedOver)
                {
                    inFlight.Exit();
                }
            }
        }
    }

    /// <summary>
    /// The delivery stage: writes each window's records, produces them, waits for the acknowledgements, and
    /// stores and commits the window's offsets, window after window in the order they were consumed.
    /// </summary>
    private async Task DeliverWindowsAsync(
        ChannelReader<TracedWindow> enrichedWindows, BatchEnricher enricher, IBatchSink sink, InFlightWindows inFlight, CancellationTokenSource deliveryFailed)
    {
        await foreach (var (window, trace) in enrichedWindows.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            using var scope = WorkerLog.BatchScope(logger, trace.BatchId);
            using var ambient = trace.Enter();
            try
            {
                var started = Stopwatch.GetTimestamp();
                var records = enricher.Records(window).Records;
                trace.Stamp(records);
                await sink.DeliverAsync(records, NextOffsets(window.Inputs), CancellationToken.None).ConfigureAwait(false);
                metrics.Delivered(records, time.GetUtcNow());
                Count(records);
                WorkerLog.BatchDone(logger, window.Inputs.Count, (int)Math.Min(int.MaxValue, window.PaddedTokens), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                trace.Complete(records); // after the batch's log lines, which name its trace
            }
            catch
            {
                await deliveryFailed.CancelAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                trace.Dispose();
                inFlight.Exit();
            }
        }
    }

    private List<ConsumedInput> LiveRecords(IReadOnlyList<ConsumedInput> batch, PartitionGenerations generations)
    {
        var live = batch.Where(i => generations.IsCurrent(i.Coordinates.TopicPartition, i.Generation)).ToList();
        if (live.Count < batch.Count)
        {
            WorkerLog.DroppedRevoked(logger, batch.Count - live.Count);
        }

        return live;
    }

    /// <summary>Between windows: swap in heads that were promoted or rolled back since the last window.</summary>
    private void ApplyHeadSwaps()
    {
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
    }

    private void Count(IReadOnlyList<OutgoingRecord> records)
    {
        foreach (var record in records)
        {
            switch (record.Kind)
            {
                case OutgoingKind.DeadLetter:
                    Interlocked.Increment(ref _deadLettered);
                    using (WorkerLog.RecordScope(logger, record.Input.Coordinates.Topic, record.Input.Coordinates.Partition.Value, record.Input.Coordinates.Offset.Value))
                    {
                        WorkerLog.DeadLettered(logger, record.Input.Source.ToString(), record.ErrorCode ?? "", record.ErrorDetail ?? "");
                    }

                    break;
                case OutgoingKind.Enriched:
                    Interlocked.Increment(ref _processed);
                    break;
            }
        }
    }

    /// <summary>
    /// Runs on the consume thread inside <c>Consume</c>: buffered records of these partitions become stale
    /// (dropped, not published), the batch in flight is allowed to finish, and what finished is committed
    /// before the partitions are released, so their next owner starts exactly after it.
    /// </summary>
    private void OnRevoked(
        IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions, PartitionGenerations generations,
        InFlightWindows inFlight, TimeSpan wait, bool exactlyOnce)
    {
        generations.Revoked(partitions);
        WorkerLog.PartitionsRevoked(logger, string.Join(",", partitions));
        if (!inFlight.Drain(wait))
        {
            inFlight.Reopen();
            WorkerLog.RevokeWaitTimedOut(logger, wait.TotalSeconds);
            return;
        }

        try
        {
            if (!exactlyOnce)
            {
                CommitStored(consumer); // in exactly-once mode each batch's transaction committed its offsets
            }
        }
        finally
        {
            inFlight.Reopen();
        }
    }

    /// <summary>
    /// Commits the stored offsets. A group coordinator may answer "rebalance in progress" for a moment
    /// (the embedded mock does while members rejoin); a few short retries ride that out.
    /// </summary>
    private void CommitStored(IConsumer<byte[]?, byte[]?> consumer)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                consumer.Commit();
                return;
            }
            catch (KafkaException ex) when (ex.Error.Code is ErrorCode.Local_NoOffset)
            {
                return; // nothing new since the last commit
            }
            catch (KafkaException ex) when (ex.Error.Code is ErrorCode.RebalanceInProgress && attempt < 5)
            {
                Thread.Sleep(50 * attempt);
            }
            catch (KafkaException ex)
            {
                WorkerLog.RevokeCommitFailed(logger, ex.Error.Reason);
                return;
            }
        }
    }

    /// <summary>Per partition, the offset after the highest one in the batch (records arrive in offset order).</summary>
    internal static IReadOnlyList<TopicPartitionOffset> NextOffsets(IReadOnlyList<ConsumedInput> batch) =>
        [.. batch.GroupBy(i => i.Coordinates.TopicPartition)
            .Select(g => new TopicPartitionOffset(g.Key, new Offset(g.Max(i => i.Coordinates.Offset.Value) + 1)))];

    private static void CloseQuietly(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            consumer.Close();
        }
        catch (KafkaException)
        {
            // the failure being reported is the one that matters
        }
    }

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
