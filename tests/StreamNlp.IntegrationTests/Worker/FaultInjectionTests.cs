using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using StreamNlp.IntegrationTests.Kafka;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Worker;

/// <summary>
/// Issue 12's fault-injection suite, through librdkafka's mock API on a 3-broker embedded cluster: errors
/// on each protocol request the worker depends on, coordinator and leader moves, added round-trip time and
/// a broker outage, each in the middle of a stream (or, for the requests only made at start-up, before it).
/// Every case must end with every input enriched, per-key order kept and the worker still running.
/// </summary>
[Collection("kafka")]
public sealed class FaultInjectionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int BatchSize = 32;
    private const int PerHalf = 100;
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(120);

    private KafkaBrokerFixture _broker = null!;

    /// <summary>Protocol API keys (Kafka protocol numbering).</summary>
    private static class ApiKey
    {
        public const short Produce = 0;
        public const short Fetch = 1;
        public const short OffsetCommit = 8;
        public const short JoinGroup = 11;
        public const short Heartbeat = 12;
        public const short SyncGroup = 14;
        public const short InitProducerId = 22;
        public const short ConsumerGroupHeartbeat = 68;
    }

    /// <summary>Faults on the requests of the classic group protocol (JoinGroup, SyncGroup, Heartbeat) run the workers on it.</summary>
    private static readonly HashSet<string> ClassicProtocolFaults = ["heartbeat-errors", "join-group-errors", "sync-group-errors"];

    public static TheoryData<string> Faults() =>
    [
        "produce-errors", "fetch-errors", "offset-commit-errors", "group-heartbeat-errors", "heartbeat-errors",
        "join-group-errors", "sync-group-errors", "init-producer-id-errors",
        "coordinator-move", "leader-move", "round-trip-time", "broker-down-up",
    ];

    public Task InitializeAsync()
    {
        _broker = KafkaBrokerFixture.StartEmbedded(3);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _broker.DisposeAsync();

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Worker_FaultMidStream_EveryRecordEnrichedInOrder(string fault)
    {
        var cluster = _broker.Embedded!;
        var topics = TestTopics.Fresh();
        var settings = new Dictionary<string, string?>
        {
            ["StreamNlp:Retrainer:Enabled"] = "false",
            ["StreamNlp:Batching:MaxBatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["StreamNlp:Batching:LengthWindow"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), // duplicates are bounded by one window
            ["StreamNlp:Kafka:GroupProtocol"] = ClassicProtocolFaults.Contains(fault) ? "Classic" : "Consumer",
        };

        // Requests made only while starting up get their errors before the worker starts.
        switch (fault)
        {
            case "join-group-errors":
                cluster.PushRequestErrors(ApiKey.JoinGroup, ErrorCode.GroupLoadInProgress, ErrorCode.GroupCoordinatorNotAvailable);
                break;
            case "sync-group-errors":
                cluster.PushRequestErrors(ApiKey.SyncGroup, ErrorCode.RebalanceInProgress, ErrorCode.NotCoordinatorForGroup);
                break;
            case "init-producer-id-errors":
                cluster.PushRequestErrors(ApiKey.InitProducerId, ErrorCode.GroupCoordinatorNotAvailable, ErrorCode.NotCoordinatorForGroup);
                break;
        }

        await using var worker = await WorkerTestHost.StartAsync(_broker, topics, settings);
        var inputs = new List<TopicPartitionOffset>(await Produce(topics, 0));
        TopicClient.Read(_broker.BootstrapServers, topics.Output, 20, ReadTimeout);

        switch (fault)
        {
            case "produce-errors":
                cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicas);
                break;
            case "fetch-errors":
                cluster.PushRequestErrors(ApiKey.Fetch, ErrorCode.NotLeaderForPartition, ErrorCode.UnknownTopicOrPart, ErrorCode.RequestTimedOut);
                break;
            case "offset-commit-errors":
                cluster.PushRequestErrors(ApiKey.OffsetCommit, ErrorCode.GroupCoordinatorNotAvailable, ErrorCode.NotCoordinatorForGroup, ErrorCode.RequestTimedOut);
                break;
            case "heartbeat-errors":
                cluster.PushRequestErrors(ApiKey.Heartbeat, ErrorCode.NotCoordinatorForGroup, ErrorCode.RebalanceInProgress);
                break;
            case "group-heartbeat-errors":
                cluster.PushRequestErrors(ApiKey.ConsumerGroupHeartbeat, ErrorCode.NotCoordinatorForGroup, ErrorCode.GroupLoadInProgress, ErrorCode.GroupCoordinatorNotAvailable);
                break;
            case "coordinator-move":
                cluster.SetCoordinator("group", topics.Group, 2);
                cluster.SetCoordinator("group", topics.Group, 3);
                break;
            case "leader-move":
                for (var partition = 0; partition < 3; partition++)
                {
                    cluster.SetPartitionLeader(topics.Input, partition, 1 + ((partition + 1) % 3));
                    cluster.SetPartitionLeader(topics.Output, partition, 1 + ((partition + 2) % 3));
                }

                break;
            case "round-trip-time":
                for (var id = 1; id <= 3; id++)
                {
                    cluster.SetBrokerRtt(id, 250);
                }

                break;
            case "broker-down-up":
                cluster.SetBrokerDown(2);
                await Task.Delay(TimeSpan.FromSeconds(3));
                cluster.SetBrokerUp(2);
                break;
        }

        inputs.AddRange(await Produce(topics, PerHalf));
        var enriched = TopicClient.Read(_broker.BootstrapServers, topics.Output, 2 * PerHalf, ReadTimeout, TimeSpan.FromSeconds(1));
        var deadLetters = TopicClient.Read(_broker.BootstrapServers, topics.DeadLetter, 0, TimeSpan.FromSeconds(1));
        for (var id = 1; id <= 3; id++)
        {
            cluster.SetBrokerRtt(id, 0);
        }

        var invariant = DeliveryInvariant.Check(inputs, enriched, deadLetters);
        output.WriteLine($"{fault}: {invariant}");
        Assert.Empty(invariant.Missing);
        Assert.Empty(deadLetters);
        Assert.Equal(0, invariant.OrderViolations);
        // No crash, so no redelivery, except when an injected error forces a rebalance and the mock's coordinator
        // refuses the commit of the windows in flight (see RebalanceTests). The overlapped stages hold at most three
        // uncommitted windows: one being inferred, one in the hand-over channel (capacity 1), one being delivered.
        // (One CI run under load saw 36 after a broker outage: more than one window of 32, within three.)
        Assert.InRange(invariant.Duplicates, 0, 3 * BatchSize);
        Assert.False(worker.Worker.ExecuteTask!.IsCompleted, "the worker stopped");
    }

    private async Task<IReadOnlyList<TopicPartitionOffset>> Produce(TestTopics topics, int first) =>
        await TopicClient.ProduceWithOffsetsAsync(_broker.BootstrapServers, topics.Input,
            Enumerable.Range(first, PerHalf).Select(i => ((string?)$"key-{i % 10}",
                (byte[]?)Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id = $"f-{i}", text = $"Report {i}: Rafael Nadal won in Madrid." })))));
}
