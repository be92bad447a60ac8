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
using StreamNlp.Retrainer.Leadership;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Retrainer.Telemetry;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Retrainer.Hosting;

/// <summary>
/// The retraining worker; any number of instances may run (one per <c>streamnlp run</c> replica, or standalone).
/// A dedicated thread consumes the feedback topic in a group of this instance's own
/// (<see cref="RetrainerInstance.FeedbackGroupId"/>), so every instance stores every valid label (SQLite,
/// de-duplicated by task and text, latest label wins). A second thread reads the same topic in the group all
/// instances share (<see cref="RetrainerOptions.GroupId"/>) and dead-letters invalid feedback with the reason, so
/// each bad message is dead-lettered by one instance, whichever holds its partition, and by another if that one dies.
/// An offset is stored only after its example is stored or dead-lettered. A check loop retrains a task once enough new
/// labels arrived or the oldest unused one waited long enough, but only while this instance holds the
/// <see cref="RetrainerLease"/>; it gates the challenger against the champion and, on promotion and if it still holds
/// the lease, announces the new version on the models topic, where inference workers (and the other retrainers'
/// registries, <see cref="RegistryFollower"/>) pick it up.
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
    EmbeddedKafkaCluster? embedded = null,
    ModelsTopicProgress? modelsTopic = null) : BackgroundService
{
    private const int MaxFeedbackBytes = 1_000_000;

    private static readonly TimeSpan FeedbackPollInterval = TimeSpan.FromMilliseconds(100);

    private RetrainerLease? _lease;

    /// <summary>Whether this instance holds the retrainer lease now (it alone retrains and publishes).</summary>
    public bool IsLeader => Volatile.Read(ref _lease)?.IsLeader ?? false;

    /// <summary>This instance's id (kept beside its database), once started.</summary>
    public string? InstanceId { get; private set; }

    /// <summary>Default database: <c>$XDG_DATA_HOME/streamnlp/feedback.db</c> or <c>~/.local/share/streamnlp/feedback.db</c>.</summary>
    public static string DefaultDatabasePath => Path.Combine(Core.Storage.UserDataDirectory.Root, "feedback.db");

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var kafka = kafkaOptions.Value;
        KafkaLog.Settings(logger, "retrainer", kafka.ToString());
        if (kafka.CreateTopics && kafka.BootstrapServers is not null)
        {
            await TopicProvisioner.EnsureTopicsAsync(kafka, ServiceTopics.Retrainer(kafka, retrainerOptions.Value.LeaseTopic), embedded, logger, cancellationToken).ConfigureAwait(false);
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
        var instanceId = RetrainerInstance.LoadOrCreate(store.DatabasePath);
        InstanceId = instanceId;
        var feedbackGroup = RetrainerInstance.FeedbackGroupId(options.GroupId, instanceId);
        using var lease = new RetrainerLease(kafka, options.LeaseTopic, RetrainerInstance.LeaseGroupId(options.GroupId), instanceId, logger, leader =>
        {
            metrics.Leader(leader);
            health.Leader(leader);
        });
        Volatile.Write(ref _lease, lease);
        lease.Start();
        var registry = ConfiguredRegistry.Open(modelOptions.Value);
        var cacheDirectory = modelOptions.Value.CacheDirectory ?? EncoderCache.DefaultDirectory;
        // The serving settings, on the fp32 encoder the heads are trained and judged on.
        var inference = modelOptions.Value.ToInferenceSettings() with { Precision = EncoderPrecision.Fp32 };
        var files = new EncoderCache(cacheDirectory).Ensure(modelOptions.Value.Encoder, EncoderPrecision.Fp32);
        using var encoder = new EncoderSession(files, new SessionFactory(inference, logger));
        health.EncoderLoaded();
        var extractor = new FeatureExtractor(new TextTokenizer(files.VocabularyPath, files.Descriptor.Uncased), encoder, modelOptions.Value.MaxTokens, cacheDirectory);
        var runner = new ChallengeRunner(registry, extractor, files.Descriptor, options, inference, time);
        RetrainerLog.Started(logger, kafka.FeedbackTopic, feedbackGroup, store.DatabasePath, options.MinLabels, options.MaxWaitSeconds);
        using var stopConsuming = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var consumeLoop = Task.Factory.StartNew(
            () => ConsumeFeedback(store, kafka, feedbackGroup, FeedbackRole.Store, instanceId, stopConsuming.Token),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var deadLetterLoop = Task.Factory.StartNew(
            () => ConsumeFeedback(store, kafka, options.GroupId, FeedbackRole.DeadLetter, instanceId, stopConsuming.Token),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        try
        {
            var toWarm = new Queue<NlpTask>(NlpTaskNames.All);
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.CheckIntervalSeconds), time);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var loop in (Task[])[consumeLoop, deadLetterLoop, lease.Loop])
                {
                    if (loop.IsFaulted)
                    {
                        await loop.ConfigureAwait(false);
                    }
                }

                var retrained = false;
                foreach (var task in NlpTaskNames.All)
                {
                    // Only once the models topic has been read to its end: every published version is then in the local
                    // registry, so the next version number cannot be one another instance already published.
                    if (lease.IsLeader && (modelsTopic?.CaughtUp ?? true) && IsDue(store, task, options))
                    {
                        await RetrainAsync(task, store, runner, registry, lease, kafka, stoppingToken).ConfigureAwait(false);
                        retrained = true;
                    }
                }

                // Between rounds, one task at a time: encode its replay set, so a round never waits for more than one warm-up.
                if (!retrained && toWarm.TryDequeue(out var warm))
                {
                    await Task.Run(() => WarmUp(runner, warm, stoppingToken), stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            Volatile.Write(ref _lease, null);
            lease.Dispose(); // give the lease up first, so another instance takes over while this one winds down
            await stopConsuming.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(consumeLoop, deadLetterLoop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Encodes a task's replay set into the feature cache (a failure is logged; that task's first round encodes it).</summary>
    private void WarmUp(ChallengeRunner runner, NlpTask task, CancellationToken cancellationToken)
    {
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                if (runner.WarmUp(task, cancellationToken) is { } replay)
                {
                    RetrainerLog.ReplayReady(logger, task.ToName(), replay.Record.TrainRows, replay.Record.DevRows, replay.Record.Source ?? "", clock.Elapsed.TotalSeconds);
                }
                else
                {
                    RetrainerLog.NoBaseData(logger, task.ToName());
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                RetrainerLog.RetrainFailed(logger, task.ToName(), $"replay set not prepared: {ex.Message}", null);
            }

            statistics.CountReplayPrepared();
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
        NlpTask task, FeedbackStore store, ChallengeRunner runner, ModelRegistry registry, RetrainerLease lease, KafkaOptions kafka, CancellationToken cancellationToken)
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
            if (result.Decision.Promote && !lease.IsLeader)
            {
                // Lost the lease during the round: another instance may lead and publish this version name now.
                if (registry.CurrentVersion(task) == result.Challenger.Version)
                {
                    registry.Promote(task, result.ChampionVersion); // undo the local promotion: the challenger never served
                }

                RetrainerLog.NotPublishedLeaseLost(logger, task.ToName(), result.Challenger.Version, result.ChampionVersion);
                run = run with
                {
                    Decision = RetrainDecisions.LeaseLost,
                    Reason = $"{run.Reason}; not published: the retrainer lease was lost during the round",
                };
            }
            else if (result.Decision.Promote)
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

    /// <summary>Header naming the retrainer instance that wrote a dead letter of invalid feedback.</summary>
    public const string RetrainerInstanceHeader = "streamnlp-retrainer-instance";

    /// <summary>
    /// A feedback consumer: offsets stored by us once an example is stored or dead-lettered, and committed
    /// by the client; incremental rebalances as the enrichment worker's. Static membership
    /// (<see cref="KafkaOptions.GroupInstanceId"/>) applies in both groups, with a suffix in the dead-letter group.
    /// </summary>
    public static ConsumerConfig FeedbackConsumerConfig(KafkaOptions kafka, string groupId, FeedbackRole role = FeedbackRole.Store) =>
        KafkaClientConfigs.Consumer(kafka, groupId, role == FeedbackRole.Store ? "retrainer" : "retrainer-deadletters", config =>
        {
            config.EnableAutoOffsetStore = false;
            config.EnableAutoCommit = true;
            config.AutoCommitIntervalMs = 1000;
            config.IsolationLevel = IsolationLevel.ReadCommitted;
            config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
            config.GroupInstanceId = kafka.GroupInstanceId is { Length: > 0 } id && role == FeedbackRole.DeadLetter ? id + "-deadletters" : kafka.GroupInstanceId;
        });

    /// <summary>The dead-letter producer of invalid feedback (never transactional).</summary>
    public static ProducerConfig DeadLetterProducerConfig(KafkaOptions kafka) =>
        KafkaClientConfigs.Producer(kafka, "retrainer", config =>
        {
            config.LingerMs = 5;
            config.CompressionType = CompressionType.Lz4;
        });

    /// <summary>
    /// One feedback consumer. <see cref="FeedbackRole.Store"/> (this instance's own group, every partition): stores
    /// every valid example and passes over invalid ones. <see cref="FeedbackRole.DeadLetter"/> (the group all instances
    /// share, so each partition has one reader): dead-letters every invalid message and passes over valid ones. Either
    /// stores an offset only once its message is handled.
    /// </summary>
    private void ConsumeFeedback(FeedbackStore store, KafkaOptions kafka, string groupId, FeedbackRole role, string instanceId, CancellationToken cancellationToken)
    {
        var storing = role == FeedbackRole.Store;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(FeedbackConsumerConfig(kafka, groupId, role))
            .SetErrorHandler((_, e) => RetrainerLog.KafkaError(logger, KafkaSecrets.Redact(e.Reason)))
            .SetPartitionsAssignedHandler((_, _) =>
            {
                if (storing)
                {
                    health.Joined();
                }
            })
            .SetPartitionsRevokedHandler((c, _) => CommitStored(c)) // the next owner starts after what this one handled
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
                if (storing)
                {
                    health.Polled();
                }

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
                if (parsed.IsValid && storing)
                {
                    store.Upsert(parsed.Example!, time.GetUtcNow());
                    statistics.CountAccepted();
                }
                else if (!parsed.IsValid && !storing)
                {
                    producer.ProduceAsync(kafka.DeadLetterTopic, DeadLetter(result, parsed, instanceId), cancellationToken).GetAwaiter().GetResult();
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

    /// <summary>Commits the offsets stored so far (on revoke, so a partition's next reader does not handle them again).</summary>
    private void CommitStored(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            consumer.Commit();
        }
        catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_NoOffset)
        {
            // nothing handled since the last commit
        }
        catch (KafkaException ex)
        {
            RetrainerLog.KafkaError(logger, KafkaSecrets.Redact(ex.Error.Reason)); // at-least-once: the next owner may handle some again
        }
    }

    private Message<byte[]?, byte[]> DeadLetter(ConsumeResult<byte[]?, byte[]?> result, FeedbackParseResult parsed, string instanceId)
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
        headers.Add(RetrainerInstanceHeader, Encoding.UTF8.GetBytes(instanceId));
        return new Message<byte[]?, byte[]> { Key = result.Message.Key, Value = result.Message.Value ?? [], Headers = headers };
    }

    private static string Format(IReadOnlyDictionary<string, double> metrics) =>
        metrics.Count == 0 ? "-" : string.Join(" ", metrics.Select(m => $"{m.Key}={m.Value.ToString("0.000", CultureInfo.InvariantCulture)}"));
}
