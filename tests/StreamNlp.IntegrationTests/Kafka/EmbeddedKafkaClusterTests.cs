using System.Diagnostics;
using System.Net.Sockets;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging.Abstractions;
using StreamNlp.Kafka.Embedded;
using StreamNlp.Kafka.Topics;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Kafka;

[Collection("kafka")]
public sealed class EmbeddedKafkaClusterTests(KafkaBrokerFixture broker, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RoundTrip_EveryMessageArrives_AndMetadataShowsRequestedPartitions()
    {
        output.WriteLine(broker.Describe());
        const int count = 1_000;
        var topic = NewTopicName();
        await broker.CreateTopicAsync(topic, partitions: 3);

        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            var metadata = admin.GetMetadata(topic, MetadataTimeout).Topics.Single();
            Assert.Equal(ErrorCode.NoError, metadata.Error.Code);
            Assert.Equal(3, metadata.Partitions.Count);
        }

        var stopwatch = Stopwatch.StartNew();
        using (var producer = NewProducer(broker.BootstrapServers))
        {
            var deliveries = Enumerable.Range(0, count)
                .Select(i => producer.ProduceAsync(topic, new Message<string, string> { Key = $"k{i}", Value = $"v{i}" }));
            var results = await Task.WhenAll(deliveries).WaitAsync(Deadline);
            Assert.All(results, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        }

        output.WriteLine($"Produced {count} messages in {stopwatch.ElapsedMilliseconds} ms");

        using var consumer = NewConsumer($"g-{Guid.NewGuid():N}");
        consumer.Subscribe(topic);
        var received = ConsumeUntil(consumer, count);
        output.WriteLine($"Round trip of {count} messages took {stopwatch.ElapsedMilliseconds} ms");

        Assert.Equal(count, received.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"v{i}").Order(), received.Select(r => r.Message.Value).Order());
        Assert.All(received, r => Assert.Equal(r.Message.Key[1..], r.Message.Value[1..]));
        Assert.Equal(3, received.Select(r => r.Partition.Value).Distinct().Count());
        consumer.Close();
    }

    [Fact]
    public async Task ConsumerGroup_RestartResumesAfterCommittedOffset_AndRedeliversUncommitted()
    {
        output.WriteLine(broker.Describe());
        var topic = NewTopicName();
        var group = $"g-{Guid.NewGuid():N}";
        await broker.CreateTopicAsync(topic, partitions: 1);
        using (var producer = NewProducer(broker.BootstrapServers))
        {
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = $"m{i}" }).WaitAsync(Deadline);
            }
        }

        using (var first = NewConsumer(group))
        {
            var joining = Stopwatch.StartNew();
            first.Subscribe(topic);
            var head = ConsumeUntil(first, 1);
            output.WriteLine($"First consumer: subscribe to first message took {joining.ElapsedMilliseconds} ms");
            if (broker.Embedded is not null)
            {
                Assert.True(joining.Elapsed < TimeSpan.FromSeconds(2.5),
                    $"Group join took {joining.Elapsed}; the {EmbeddedKafkaCluster.InitialRebalanceDelayMs} ms rebalance delay was not applied.");
            }

            var consumed = head.Concat(ConsumeUntil(first, 6)).ToList(); // m0..m6
            Assert.Equal(["m0", "m1", "m2", "m3", "m4", "m5", "m6"], consumed.Select(r => r.Message.Value));
            first.Commit(consumed[4]); // commits offset 5: m0..m4 done, m5 and m6 processed but not committed
            first.Close();
        }

        var rejoining = Stopwatch.StartNew();
        using var second = NewConsumer(group);
        var committed = second.Committed([new TopicPartition(topic, 0)], MetadataTimeout).Single();
        Assert.Equal(5, committed.Offset.Value);

        second.Subscribe(topic);
        var resumed = ConsumeUntil(second, 5);
        output.WriteLine($"Second consumer: restart to last message took {rejoining.ElapsedMilliseconds} ms");
        Assert.Equal(["m5", "m6", "m7", "m8", "m9"], resumed.Select(r => r.Message.Value));
        second.Close();
    }

    [Fact]
    public async Task CreateTopicAsync_IsIdempotent_AndCreatesRequestedPartitions()
    {
        output.WriteLine(broker.Describe());
        var plain = new TopicSpec(NewTopicName(), 2);
        var compacted = new TopicSpec(NewTopicName(), 1, Compacted: true);

        await TopicProvisioner.EnsureTopicsAsync(broker.Options, [plain, compacted], broker.Embedded, NullLogger.Instance, CancellationToken.None);
        await TopicProvisioner.EnsureTopicsAsync(broker.Options, [plain, compacted], broker.Embedded, NullLogger.Instance, CancellationToken.None);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        Assert.Equal(2, admin.GetMetadata(plain.Name, MetadataTimeout).Topics.Single().Partitions.Count);
        Assert.Single(admin.GetMetadata(compacted.Name, MetadataTimeout).Topics.Single().Partitions);
        if (broker.Embedded is null) // the mock has no DescribeConfigs and no compaction
        {
            var configs = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = compacted.Name }]);
            Assert.Equal("compact", configs.Single().Entries["cleanup.policy"].Value);
        }
    }

    [Fact]
    public async Task ProduceWithRetries_SucceedsOnceTheLeaderBrokerIsBackUp()
    {
        var stopwatch = Stopwatch.StartNew();
        using var cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);
        var topic = NewTopicName();
        cluster.CreateTopic(topic, partitions: 1, replicationFactor: 3);

        var config = new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            MessageTimeoutMs = 10_000,
            ReconnectBackoffMs = 50,
            ReconnectBackoffMaxMs = 250,
        };
        var connectionErrors = 0;
        using var producer = new ProducerBuilder<Null, string>(config)
            .SetLogHandler((_, _) => { }) // the expected "Connection refused" lines would flood stderr
            .SetErrorHandler((_, _) => Interlocked.Increment(ref connectionErrors))
            .Build();
        var warmUp = await producer.ProduceAsync(topic, new Message<Null, string> { Value = "before" }).WaitAsync(Deadline);
        Assert.Equal(0, warmUp.Offset.Value);

        int leader;
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            leader = admin.GetMetadata(topic, MetadataTimeout).Topics.Single().Partitions.Single().Leader;
        }

        cluster.SetBrokerDown(leader);
        var pending = producer.ProduceAsync(topic, new Message<Null, string> { Value = "during outage" });
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(pending.IsCompleted, $"Delivery completed while leader broker {leader} was down: {pending.Status}");

        cluster.SetBrokerUp(leader);
        var delivered = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        output.WriteLine($"Broker {leader} down 1.5 s ({connectionErrors} client errors); delivered {stopwatch.ElapsedMilliseconds} ms after start");

        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        Assert.Equal(1, delivered.Offset.Value); // neither lost nor duplicated
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void Dispose_IsIdempotentAndThreadSafe_AndClosesTheListener()
    {
        var cluster = EmbeddedKafkaCluster.Start();
        var (host, port) = FirstBroker(cluster.BootstrapServers);
        using (var probe = new TcpClient())
        {
            probe.Connect(host, port);
            Assert.True(probe.Connected);
        }

        Parallel.For(0, 8, _ => cluster.Dispose());
        cluster.Dispose();

        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("after-dispose", 1));
        Assert.Throws<ObjectDisposedException>(() => cluster.SetBrokerDown(1));
        using var late = new TcpClient();
        Assert.ThrowsAny<SocketException>(() => late.Connect(host, port));
    }

    [Fact]
    public void TwoClusters_HaveDistinctBootstrapServers_AndIndependentTopics()
    {
        using var a = EmbeddedKafkaCluster.Start();
        using var b = EmbeddedKafkaCluster.Start();
        output.WriteLine($"a: {a.BootstrapServers}, b: {b.BootstrapServers}, librdkafka: {EmbeddedKafkaCluster.NativeLibraryPath}");
        Assert.False(string.IsNullOrWhiteSpace(a.BootstrapServers));
        Assert.NotEqual(a.BootstrapServers, b.BootstrapServers);

        var topic = NewTopicName();
        a.CreateTopic(topic, 2);
        using var adminA = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = a.BootstrapServers }).Build();
        using var adminB = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = b.BootstrapServers }).Build();
        Assert.Equal(2, adminA.GetMetadata(MetadataTimeout).Topics.Single(t => t.Topic == topic).Partitions.Count);
        Assert.DoesNotContain(adminB.GetMetadata(MetadataTimeout).Topics, t => t.Topic == topic);
    }

    [Fact]
    public void CreateTopic_Failures_NameTheTopic()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        var topic = NewTopicName();
        cluster.CreateTopic(topic, 2);

        var duplicate = Assert.Throws<InvalidOperationException>(() => cluster.CreateTopic(topic, 2));
        Assert.Contains(topic, duplicate.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ErrorCode.TopicAlreadyExists), duplicate.Message, StringComparison.Ordinal);

        var other = NewTopicName();
        var tooManyReplicas = Assert.Throws<ArgumentOutOfRangeException>(() => cluster.CreateTopic(other, 1, replicationFactor: 2));
        Assert.Contains(other, tooManyReplicas.Message, StringComparison.Ordinal);
    }

    private static string NewTopicName() => $"t-{Guid.NewGuid():N}";

    private static IProducer<string, string> NewProducer(string bootstrapServers) =>
        new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            MessageTimeoutMs = 20_000,
        }).Build();

    /// <remarks>
    /// When the last member leaves a mock group, the mock keeps it "joining" for session.timeout.ms - 1 s
    /// before a newcomer is admitted (44 s with the 45 s default), so embedded runs use a 2 s session.
    /// Real brokers refuse sessions under group.min.session.timeout.ms (6 s) and need no such tuning.
    /// </remarks>
    private IConsumer<string, string> NewConsumer(string group) =>
        new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = broker.Embedded is null ? null : 2_000,
            HeartbeatIntervalMs = broker.Embedded is null ? null : 500,
        }).Build();

    /// <summary>Consumes exactly <paramref name="count"/> messages or fails after <see cref="Deadline"/>.</summary>
    private static List<ConsumeResult<string, string>> ConsumeUntil(IConsumer<string, string> consumer, int count)
    {
        var received = new List<ConsumeResult<string, string>>(count);
        var deadline = Stopwatch.StartNew();
        while (received.Count < count)
        {
            Assert.True(deadline.Elapsed < Deadline, $"Only {received.Count} of {count} messages arrived within {Deadline}.");
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
            {
                received.Add(result);
            }
        }

        return received;
    }

    private static (string Host, int Port) FirstBroker(string bootstrapServers)
    {
        var first = bootstrapServers.Split(',')[0];
        var colon = first.LastIndexOf(':');
        return (first[..colon], int.Parse(first[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
