using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Retrainer.Hosting;

namespace StreamNlp.Retrainer.Leadership;

/// <summary>
/// Which retrainer instance may retrain and publish. Every instance joins one consumer group
/// (<see cref="RetrainerInstance.LeaseGroupId"/>) on the lease topic, which carries no records; the group
/// coordinator hands each partition to exactly one member, and the member assigned <b>partition 0</b> is the
/// leader. That rule is exclusive whatever the partition count (the topic is provisioned with one partition;
/// an auto-created one, as on the embedded broker, has four). A dedicated thread polls the consumer so the
/// coordinator sees the member alive and rebalance callbacks run; <see cref="IsLeader"/> turns true when
/// partition 0 is assigned and false when it is revoked or lost (session timed out), or when the lease stops.
/// Sticky assignment keeps partition 0 where it is when members join, so a running leader is not displaced.
/// </summary>
/// <remarks>
/// Like any lease without fencing, two members can briefly both believe they lead: a member cut off from the
/// coordinator learns it lost partition 0 only at its next heartbeat, while the coordinator may already have
/// given it away after <c>session.timeout.ms</c>. The retrainer therefore checks <see cref="IsLeader"/> again right
/// before publishing, which narrows that window to a heartbeat interval.
/// </remarks>
public sealed class RetrainerLease : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly KafkaOptions _kafka;
    private readonly string _topic;
    private readonly string _groupId;
    private readonly string _instanceId;
    private readonly ILogger _logger;
    private readonly Action<bool>? _changed;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _leader;
    private int _disposed;

    /// <param name="changed">Called on the lease thread with the new state each time it changes (metrics, health).</param>
    public RetrainerLease(KafkaOptions kafka, string topic, string groupId, string instanceId, ILogger logger, Action<bool>? changed = null)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        _kafka = kafka;
        _topic = topic;
        _groupId = groupId;
        _instanceId = instanceId;
        _logger = logger;
        _changed = changed;
    }

    /// <summary>Whether this instance holds partition 0 of the lease topic now.</summary>
    public bool IsLeader => Volatile.Read(ref _leader) == 1;

    /// <summary>The poll loop; faulted when the lease consumer failed fatally (the retrainer stops then).</summary>
    public Task Loop => _loop ?? Task.CompletedTask;

    /// <summary>Whether an assignment names the lease: partition 0 of <paramref name="topic"/>.</summary>
    public static bool HoldsLease(IEnumerable<TopicPartition> partitions, string topic) =>
        partitions.Any(p => p.Partition.Value == 0 && string.Equals(p.Topic, topic, StringComparison.Ordinal));

    /// <summary>
    /// The lease consumer: never commits (the topic carries nothing), cooperative-sticky so partition 0 stays with
    /// its holder when members come and go, static membership when configured.
    /// </summary>
    public static ConsumerConfig ConsumerConfig(KafkaOptions kafka, string groupId) =>
        KafkaClientConfigs.Consumer(kafka, groupId, "retrainer-lease", config =>
        {
            config.EnableAutoCommit = false;
            config.EnableAutoOffsetStore = false;
            config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
            config.GroupInstanceId = kafka.GroupInstanceId is { Length: > 0 } id ? id + "-lease" : null;
        });

    /// <summary>Joins the lease group on a thread of its own.</summary>
    public void Start()
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("The lease was started already.");
        }

        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run()
    {
        var token = _stop.Token;
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(ConsumerConfig(_kafka, _groupId))
            .SetErrorHandler((_, e) => RetrainerLog.KafkaError(_logger, KafkaSecrets.Redact(e.Reason)))
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                if (HoldsLease(partitions, _topic))
                {
                    Set(true, "partition 0 assigned");
                }
            })
            .SetPartitionsRevokedHandler((_, partitions) =>
            {
                if (HoldsLease(partitions.Select(p => p.TopicPartition), _topic))
                {
                    Set(false, "partition 0 revoked");
                }
            })
            .SetPartitionsLostHandler((_, partitions) =>
            {
                if (HoldsLease(partitions.Select(p => p.TopicPartition), _topic))
                {
                    Set(false, "partition 0 lost (session expired)");
                }
            })
            .RouteLogsTo(_logger)
            .Build();
        consumer.Subscribe(_topic);
        RetrainerLog.LeaseJoining(_logger, _topic, _groupId, _instanceId);
        try
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    consumer.Consume(PollInterval); // the topic carries nothing: this serves heartbeats and rebalances
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    RetrainerLog.KafkaError(_logger, KafkaSecrets.Redact(ex.Error.Reason));
                }
            }
        }
        finally
        {
            Set(false, "stopping"); // before leaving the group, so nothing is published after another member may lead
            try
            {
                consumer.Close();
            }
            catch (KafkaException ex)
            {
                RetrainerLog.KafkaError(_logger, KafkaSecrets.Redact(ex.Error.Reason));
            }
        }
    }

    private void Set(bool leader, string why)
    {
        if (Interlocked.Exchange(ref _leader, leader ? 1 : 0) == (leader ? 1 : 0))
        {
            return;
        }

        if (leader)
        {
            RetrainerLog.LeaseAcquired(_logger, _instanceId, _topic, why);
        }
        else
        {
            RetrainerLog.LeaseLost(_logger, _instanceId, _topic, why);
        }

        _changed?.Invoke(leader);
    }

    /// <summary>Gives the lease up (false at once) and leaves the group, so another instance takes over.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Set(false, "stopping");
        _stop.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // a fatal consumer error: the retrainer already saw it through Loop
        }

        _stop.Dispose();
    }
}
