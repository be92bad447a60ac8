using System.Runtime.InteropServices;
using Confluent.Kafka;
using static StreamNlp.Kafka.Embedded.LibRdKafkaNative;

namespace StreamNlp.Kafka.Embedded;

/// <summary>
/// An in-process Kafka cluster: librdkafka's mock cluster, which speaks the real wire protocol on loopback
/// TCP, so ordinary Confluent.Kafka clients (in this or another process) can use <see cref="BootstrapServers"/>.
/// </summary>
/// <remarks>
/// Not supported by the mock: the admin API (create topics with <see cref="CreateTopic"/>; unknown topics are
/// auto-created with 4 partitions), compaction, <c>read_committed</c>, transactional offsets and fencing.
/// Data lives in memory and is lost on <see cref="Dispose"/>. Broker ids are 1..<see cref="BrokerCount"/>.
/// </remarks>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    /// <summary>
    /// <c>group.initial.rebalance.delay.ms</c> applied to every cluster (the mock's default, like Kafka's, is
    /// 3000 ms, which would make every first consumer-group join take over 3 s).
    /// </summary>
    public const int InitialRebalanceDelayMs = 100;

    /// <summary>
    /// <c>group.consumer.heartbeat.interval.ms</c> for groups on the consumer protocol (KIP-848): members learn
    /// of assignment changes only through heartbeats, and the mock's 3 s default would make every partition
    /// move take seconds. Kafka's default is 5 s; its minimum 1 s.
    /// </summary>
    public const int ConsumerGroupHeartbeatIntervalMs = 500;

    /// <summary><c>group.consumer.session.timeout.ms</c>: a crashed member's partitions move after this (Kafka's default is 45 s).</summary>
    public const int ConsumerGroupSessionTimeoutMs = 6000;

    private readonly Lock _gate = new();
    private nint _handle;
    private nint _cluster;

    private EmbeddedKafkaCluster(nint handle, nint cluster, int brokerCount, string bootstrapServers)
    {
        _handle = handle;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>Comma-separated <c>host:port</c> list of the mock brokers.</summary>
    public string BootstrapServers { get; }

    public int BrokerCount { get; }

    /// <summary>Path of the librdkafka file the mock runs in (the one Confluent.Kafka loaded, where found).</summary>
    public static string? NativeLibraryPath => LibRdKafkaNative.EnsureLoaded();

    public static EmbeddedKafkaCluster Start(int brokerCount = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);

        var handle = CreateHandle();
        var cluster = rd_kafka_mock_cluster_new(handle, brokerCount);
        if (cluster == 0)
        {
            rd_kafka_destroy(handle);
            throw new InvalidOperationException($"rd_kafka_mock_cluster_new failed for {brokerCount} broker(s).");
        }

        rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, InitialRebalanceDelayMs);
        rd_kafka_mock_set_group_consumer_heartbeat_interval_ms(cluster, ConsumerGroupHeartbeatIntervalMs);
        rd_kafka_mock_set_group_consumer_session_timeout_ms(cluster, ConsumerGroupSessionTimeoutMs);
        var bootstrap = Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(cluster));
        return new EmbeddedKafkaCluster(handle, cluster, brokerCount, bootstrap ?? "");
    }

    /// <summary>Creates a topic; throws <see cref="InvalidOperationException"/> naming it when that fails.</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        var error = TryCreateTopic(topic, partitions, replicationFactor);
        if (error != ErrorCode.NoError)
        {
            throw new InvalidOperationException(
                $"Could not create topic '{topic}' ({partitions} partitions, replication factor {replicationFactor}) " +
                $"on the embedded cluster: {error} ({ErrorText((int)error)}).");
        }
    }

    /// <summary>Like <see cref="CreateTopic"/> but returns the broker's error (e.g. TopicAlreadyExists).</summary>
    internal ErrorCode TryCreateTopic(string topic, int partitions, int replicationFactor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        if (partitions < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(partitions), partitions, $"Topic '{topic}' needs at least one partition.");
        }

        if (replicationFactor < 1 || replicationFactor > BrokerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(replicationFactor), replicationFactor,
                $"Topic '{topic}': replication factor must be between 1 and the broker count ({BrokerCount}).");
        }

        lock (_gate)
        {
            return (ErrorCode)rd_kafka_mock_topic_create(LiveCluster(), topic, partitions, replicationFactor);
        }
    }

    /// <summary>Disconnects the broker and refuses new connections (no leader change).</summary>
    public void SetBrokerDown(int brokerId) => BrokerCall(brokerId, "down", rd_kafka_mock_broker_set_down);

    /// <summary>Makes the broker accept connections again.</summary>
    public void SetBrokerUp(int brokerId) => BrokerCall(brokerId, "up", rd_kafka_mock_broker_set_up);

    /// <summary>Adds <paramref name="rttMs"/> of round-trip time to every response of the broker (0: none).</summary>
    public void SetBrokerRtt(int brokerId, int rttMs) => BrokerCall(brokerId, $"to {rttMs} ms RTT", (c, b) => rd_kafka_mock_broker_set_rtt(c, b, rttMs));

    /// <summary>Moves the leadership of one partition to another broker (clients must follow the move).</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        BrokerCall(brokerId, $"leader of {topic}[{partition}]", (c, b) => rd_kafka_mock_partition_set_leader(c, topic, partition, b));

    /// <summary>Moves the coordinator of a consumer group (<c>"group"</c>) or transactional id (<c>"transaction"</c>).</summary>
    public void SetCoordinator(string keyType, string key, int brokerId) =>
        BrokerCall(brokerId, $"coordinator of {keyType} {key}", (c, b) => rd_kafka_mock_coordinator_set(c, keyType, key, b));

    /// <summary>
    /// Makes the next <paramref name="errors"/>.Length requests with the given protocol API key
    /// (e.g. 0 = Produce, 1 = Fetch, 8 = OffsetCommit) fail with these errors, in order.
    /// </summary>
    public unsafe void PushRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var codes = Array.ConvertAll(errors, e => (int)e);
        lock (_gate)
        {
            fixed (int* p = codes)
            {
                rd_kafka_mock_push_request_errors_array(LiveCluster(), apiKey, (nuint)codes.Length, p);
            }
        }
    }

    /// <summary>
    /// Makes the brokers stop advertising the API <paramref name="apiKey"/> (e.g. 68 = ConsumerGroupHeartbeat),
    /// as a broker that predates it would: clients learn this from ApiVersions when they connect.
    /// </summary>
    public void RemoveApi(short apiKey)
    {
        lock (_gate)
        {
            var err = rd_kafka_mock_set_apiversion(LiveCluster(), apiKey, -1, -1);
            if (err != 0)
            {
                throw new InvalidOperationException($"Could not remove API {apiKey}: {ErrorText(err)}.");
            }
        }
    }

    /// <summary>Destroys the mock cluster, then its handle. Safe to call repeatedly and concurrently.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_cluster != 0)
            {
                rd_kafka_mock_cluster_destroy(_cluster);
                _cluster = 0;
            }

            if (_handle != 0)
            {
                rd_kafka_destroy(_handle);
                _handle = 0;
            }
        }
    }

    private void BrokerCall(int brokerId, string state, Func<nint, int, int> call)
    {
        if (brokerId < 1 || brokerId > BrokerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(brokerId), brokerId, $"Broker ids are 1..{BrokerCount}.");
        }

        lock (_gate)
        {
            var err = call(LiveCluster(), brokerId);
            if (err != 0)
            {
                throw new InvalidOperationException($"Could not set broker {brokerId} {state}: {ErrorText(err)}.");
            }
        }
    }

    private nint LiveCluster()
    {
        ObjectDisposedException.ThrowIf(_cluster == 0, this);
        return _cluster;
    }

    private static unsafe nint CreateHandle()
    {
        var errors = stackalloc byte[ErrorBufferSize];
        var conf = rd_kafka_conf_new();

        // Quiet the dedicated handle: it never connects anywhere, it only owns the mock cluster.
        if (rd_kafka_conf_set(conf, "log_level", "3", errors, ErrorBufferSize) != ConfOk)
        {
            rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"rd_kafka_conf_set failed: {Marshal.PtrToStringUTF8((nint)errors)}");
        }

        var handle = rd_kafka_new(ProducerType, conf, errors, ErrorBufferSize);
        if (handle == 0)
        {
            rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"rd_kafka_new failed: {Marshal.PtrToStringUTF8((nint)errors)}");
        }

        return handle;
    }
}
