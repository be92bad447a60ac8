using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamNlp.Core.Contracts;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.Kafka;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Kafka.DeadLetters;
using StreamNlp.Kafka.Embedded;
using StreamNlp.Kafka.ModelUpdates;
using StreamNlp.Kafka.Topics;
using StreamNlp.Models.Configuration;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;
using StreamNlp.Retrainer.Challengers;
using StreamNlp.Retrainer.Configuration;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Retrainer.Telemetry;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Retrainer.Hosting;

/// <summary>
/// The retraining worker. A dedicated thread consumes the feedback topic in its own group: valid
/// feedback is stored durably (SQLite, de-duplicated by task and text, latest label wins), invalid
/// feedback goes to the dead-letter topic with the reason; an offset is stored only after its example
/// is stored or dead-lettered. A check loop retrains a task once enough new labels arrived or the
/// oldest unused one waited long enough, gates the challenger against the champion, and on promotion
/// announces the new version on the models topic, where inference workers pick it up.
/// </summary>
public sealed class RetrainerWorker(
    IOptions<RetrainerOptions> retrainerOptions,
    IOptions<KafkaOptions> kafkaOptions,
    IOptions<ModelOptions> modelOptions,
    RetrainerStatistics statistics,
    RetrainerMetrics metrics,
    Health.RetrainerHealth health,
    TimeProvider time,
    ILogger<RetrainerWorker> logger,
    EmbeddedKafkaCluster? embedded = null) : BackgroundService
{
    private const int MaxFeedbackBytes = 1_000_000;

    private static readonly TimeSpan FeedbackPollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Default database: <c>$XDG_DATA_HOME/streamnlp/feedback.db</c> or <c>~/.local/share/streamnlp/feedback.db</c>.</summary>
    public static string DefaultDatabasePath => Path.Combine(Core.Storage.UserDataDirectory.Root, "feedback.db");

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var kafka = kafkaOptions.Value;
        KafkaLog.Settings(logger, "retrainer", kafka.ToString());
        if (kafka.CreateTopics && kafka.BootstrapServers is not null)
        {
            await TopicProvisioner.EnsureTopicsAsync(kafka, ServiceTopics.Retrainer(kafka), embedded, logger, cancellationToken).ConfigureAwait(false);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = retrainerOptions.Value;
        var kafka = kafkaOptions.Value;
        if (string.IsNullOrWhiteSpace(kafka.BootstrapServers))
        {
            throw new InvalidOperationException("StreamNlp:Kafka:BootstrapServers is not set and no embedded broker was started.");
        }

        await Task.Yield();

        using var store = new FeedbackStore(options.DatabasePath ?? DefaultDatabasePath);
        var registry = ConfiguredRegistry.Open(modelOptions.Value);
        var cacheDirectory = modelOptions.Value.CacheDirectory ?? EncoderCache.DefaultDirectory;
        var inference = new InferenceSettings(modelOptions.Value.ExecutionProvider, modelOptions.Value.IntraOpThreads, modelOptions.Value.DeviceId);
        var files = new EncoderCache(cacheDirectory).Ensure(EncoderDescriptor.MiniLmL6V2);
        using var encoder = new EncoderSession(files, new SessionFactory(inference, logger));
        health.EncoderLoaded();
        var extractor = new FeatureExtractor(new TextTokenizer(files.VocabularyPath, files.Descriptor.Uncased), encoder, modelOptions.Value.MaxTokens, cacheDirectory);
        var runner = new ChallengeRunner(registry, extractor, files.Descriptor, options, inference, time);
        foreach (var task in NlpTaskNames.All.Where(t => BaseData.FilesFor(t, options) is null))
        {
            RetrainerLog.NoBaseData(logger, task.ToName());
        }

        RetrainerLog.Started(logger, kafka.FeedbackTopic, options.GroupId, store.DatabasePath, options.MinLabels, options.MaxWaitSeconds);
        using var stopConsuming = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var consumeLoop = Task.Factory.StartNew(
            () => ConsumeFeedback(store, kafka, options.GroupId, stopConsuming.Token),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.CheckIntervalSeconds), time);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (consumeLoop.IsFaulted)
                {
                    await consumeLoop.ConfigureAwait(false);
                }

                foreach (var task in NlpTaskNames.All)
                {
                    if (IsDue(store, task, options))
                    {
                        await RetrainAsync(task, store, runner, registry, kafka, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            await stopConsuming.CancelAsync().ConfigureAwait(false);
            try
            {
                await consumeLoop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private bool IsDue(FeedbackStore store, NlpTask task, RetrainerOptions options)
    {
        var unused = store.CountUnused(task);
        if (unused == 0)
        {
            return false;
        }

        return unused >= options.MinLabels
            || (store.OldestUnusedAt(task) is { } oldest && time.GetUtcNow() - oldest >= TimeSpan.FromSeconds(options.MaxWaitSeconds));
    }

    private async Task RetrainAsync(
        NlpTask task, FeedbackStore store, ChallengeRunner runner, ModelRegistry registry, KafkaOptions kafka, CancellationToken cancellationToken)
    {
        var examples = store.All(task);
        var upTo = examples.Max(e => e.RowId);
        RetrainerLog.Retraining(logger, task.ToName(), examples.Count(e => !e.Used), examples.Count);
        statistics.CountRun();
        RetrainRun run;
        try
        {
            var result = await Task.Run(() => runner.Run(task, examples, cancellationToken), cancellationToken).ConfigureAwait(false);
            run = result.Run;
            if (result.Decision.Promote)
            {
                var update = ModelUpdateEvents.Create(registry, task, result.Challenger, result.ChampionVersion, "promoted", time.GetUtcNow());
                var artifact = ModelArtifact.Pack(registry, task, update.Version);
                await ModelUpdatePublisher.PublishAsync(kafka, update, logger, cancellationToken, artifact: artifact).ConfigureAwait(false);
                RetrainerLog.Published(logger, task.ToName(), update.Version, kafka.ModelsTopic);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RetrainerLog.RetrainFailed(logger, task.ToName(), ex.Message, ex is NotSupportedException ? null : ex);
            run = new RetrainRun(task, time.GetUtcNow(), time.GetUtcNow(), examples.Count, store.Runs(task, 1).FirstOrDefault()?.ChampionVersion ?? "",
                null, new Dictionary<string, double>(), new Dictionary<string, double>(), RetrainDecisions.Failed, ex.Message);
        }

        store.MarkUsed(task, upTo);
        store.RecordRun(run);
        metrics.Decided(task.ToName(), run.Decision);
        RetrainerLog.Decided(logger, task.ToName(), run.Decision, run.ChallengerVersion, run.ChampionVersion,
            (run.FinishedAt - run.StartedAt).TotalSeconds, Format(run.Champion), Format(run.Challenger), run.Reason);
    }

    /// <summary>
    /// The feedback consumer: offsets stored by us once an example is stored or dead-lettered, and committed
    /// by the client; incremental rebalances and static membership as the enrichment worker's.
    /// </summary>
    public static ConsumerConfig FeedbackConsumerConfig(KafkaOptions kafka, string groupId) =>
        KafkaClientConfigs.Consumer(kafka, groupId, "retrainer", config =>
        {
            config.EnableAutoOffsetStore = false;
            config.EnableAutoCommit = true;
            config.AutoCommitIntervalMs = 1000;
            config.IsolationLevel = IsolationLevel.ReadCommitted;
            config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
            config.GroupInstanceId = kafka.GroupInstanceId;
        });

    /// <summary>The dead-letter producer of invalid feedback (never transactional).</summary>
    public static ProducerConfig DeadLetterProducerConfig(KafkaOptions kafka) =>
        KafkaClientConfigs.Producer(kafka, "retrainer", config =>
        {
            config.LingerMs = 5;
            config.CompressionType = CompressionType.Lz4;
        });

    private void ConsumeFeedback(FeedbackStore store, KafkaOptions kafka, string groupId, CancellationToken cancellationToken)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(FeedbackConsumerConfig(kafka, groupId))
            .SetErrorHandler((_, e) => RetrainerLog.KafkaError(logger, KafkaSecrets.Redact(e.Reason)))
            .SetPartitionsAssignedHandler((_, _) => health.Joined())
            .RouteLogsTo(logger)
            .Build();
        using var producer = new ProducerBuilder<byte[]?, byte[]>(DeadLetterProducerConfig(kafka))
            .RouteLogsTo(logger)
            .Build();
        consumer.Subscribe(kafka.FeedbackTopic);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                ConsumeResult<byte[]?, byte[]?>? result;
                health.Polled();
                try
                {
                    result = consumer.Consume(FeedbackPollInterval); // a bounded poll, so the probes see the loop alive
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    RetrainerLog.KafkaError(logger, KafkaSecrets.Redact(ex.Error.Reason));
                    continue;
                }

                if (result?.Message is null)
                {
                    continue;
                }

                var parsed = FeedbackParser.Parse(result.Message.Value ?? [], MaxFeedbackBytes);
                if (parsed.IsValid)
                {
                    store.Upsert(parsed.Example!, time.GetUtcNow());
                    statistics.CountAccepted();
                }
                else
                {
                    producer.ProduceAsync(kafka.DeadLetterTopic, DeadLetter(result, parsed), cancellationToken).GetAwaiter().GetResult();
                    statistics.CountRejected();
                    RetrainerLog.FeedbackRejected(logger, result.TopicPartitionOffset.ToString(), parsed.ErrorCode!, parsed.ErrorDetail ?? "");
                }

                consumer.StoreOffset(result); // only after the example is stored or dead-lettered
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

    private Message<byte[]?, byte[]> DeadLetter(ConsumeResult<byte[]?, byte[]?> result, FeedbackParseResult parsed)
    {
        var headers = new Headers();
        foreach (var header in result.Message.Headers ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(DeadLetterHeaders.Error, Encoding.UTF8.GetBytes(parsed.ErrorCode!));
        headers.Add(DeadLetterHeaders.ErrorDetail, Encoding.UTF8.GetBytes(parsed.ErrorDetail ?? parsed.ErrorCode!));
        headers.Add(DeadLetterHeaders.SourceTopic, Encoding.UTF8.GetBytes(result.Topic));
        headers.Add(DeadLetterHeaders.SourcePartition, Encoding.UTF8.GetBytes(result.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.SourceOffset, Encoding.UTF8.GetBytes(result.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.FailedAt, Encoding.UTF8.GetBytes(time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)));
        return new Message<byte[]?, byte[]> { Key = result.Message.Key, Value = result.Message.Value ?? [], Headers = headers };
    }

    private static string Format(IReadOnlyDictionary<string, double> metrics) =>
        metrics.Count == 0 ? "-" : string.Join(" ", metrics.Select(m => $"{m.Key}={m.Value.ToString("0.000", CultureInfo.InvariantCulture)}"));
}
