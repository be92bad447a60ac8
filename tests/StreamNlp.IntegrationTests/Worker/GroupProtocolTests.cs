using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StreamNlp.IntegrationTests.Kafka;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Worker;

/// <summary>
/// The workers' group protocol (<c>StreamNlp:Kafka:GroupProtocol</c>): on a broker without the consumer
/// protocol (KIP-848, before Kafka 4.0) the default stops the worker with one line naming the setting.
/// Each test runs its own embedded broker, but the class stays in the "kafka" collection, serialized with the
/// other host tests: every host's OpenTelemetry meter provider listens to all "StreamNlp" meters in the process,
/// and a host stopping here while MetricsEndpointTests scraped made that test's worker series vanish (one CI run).
/// </summary>
[Collection("kafka")]
public sealed class GroupProtocolTests(ITestOutputHelper output)
{
    /// <summary>ConsumerGroupHeartbeat, the API of the consumer group protocol.</summary>
    private const short ConsumerGroupHeartbeatApi = 68;

    [Fact]
    public async Task Worker_BrokerWithoutTheConsumerProtocol_FailsNamingGroupProtocolClassic()
    {
        await using var broker = KafkaBrokerFixture.StartEmbedded(1);
        broker.Embedded!.RemoveApi(ConsumerGroupHeartbeatApi);
        var topics = TestTopics.Fresh();
        var error = await WorkerFailureAsync(broker, topics, new Dictionary<string, string?> { ["StreamNlp:Retrainer:Enabled"] = "false" }, TimeSpan.FromSeconds(60));

        Assert.Contains("StreamNlp:Kafka:GroupProtocol=Classic", error.Message, StringComparison.Ordinal);

        // The fix the message names works on the same broker.
        await using var classic = await WorkerTestHost.StartAsync(broker, topics, new Dictionary<string, string?>
        {
            ["StreamNlp:Retrainer:Enabled"] = "false",
            ["StreamNlp:Kafka:GroupProtocol"] = "Classic",
        });
        await TopicClient.ProduceWithOffsetsAsync(broker.BootstrapServers, topics.Input,
            [("k", System.Text.Encoding.UTF8.GetBytes("""{"id":"p-1","text":"Angela Merkel met Emmanuel Macron in Berlin."}"""))]);
        var enriched = TopicClient.Read(broker.BootstrapServers, topics.Output, 1, TimeSpan.FromSeconds(60));
        Assert.Single(enriched);
    }

    /// <summary>
    /// A worker beyond the partition count gets no assignment callback on the consumer protocol; it must neither be
    /// taken for one on a broker without the protocol (and stopped) nor stay unready.
    /// </summary>
    [Fact]
    public async Task Worker_MoreWorkersThanPartitions_TheIdleOneStaysUpAndReady()
    {
        await using var broker = KafkaBrokerFixture.StartEmbedded(1);
        var topics = TestTopics.Fresh();
        var settings = new Dictionary<string, string?> { ["StreamNlp:Retrainer:Enabled"] = "false", ["StreamNlp:Kafka:Partitions"] = "1" };
        await using var first = await WorkerTestHost.StartAsync(broker, topics, settings);
        await TopicClient.ProduceWithOffsetsAsync(broker.BootstrapServers, topics.Input,
            [("k", System.Text.Encoding.UTF8.GetBytes("""{"id":"i-1","text":"Toyota opened a plant in Kentucky."}"""))]);
        Assert.Single(TopicClient.Read(broker.BootstrapServers, topics.Output, 1, TimeSpan.FromSeconds(60)));
        await using var second = await WorkerTestHost.StartAsync(broker, topics, settings);

        await Task.Delay(StreamNlp.Worker.Ingestion.GroupJoinWatch.DefaultPatience + TimeSpan.FromSeconds(10));

        var owned = 0;
        foreach (var (name, host) in new[] { ("first", first), ("second", second) })
        {
            Assert.False(host.Worker.ExecuteTask!.IsCompleted, $"the {name} worker stopped: {host.Worker.ExecuteTask.Exception?.GetBaseException().Message}");
            var health = host.Host.Services.GetRequiredService<StreamNlp.Worker.Health.WorkerHealth>();
            Assert.Empty(health.NotReady());
            owned += health.AssignedPartitions;
        }

        Assert.Equal(1, owned);
    }

    [Fact]
    public async Task Worker_StaticMemberRefused_FailsNamingGroupInstanceId()
    {
        await using var broker = KafkaBrokerFixture.StartEmbedded(1);
        // What Kafka 4 answers a static member whose id a crashed predecessor still holds.
        broker.Embedded!.PushRequestErrors(ConsumerGroupHeartbeatApi, Confluent.Kafka.ErrorCode.UnreleasedInstanceId);
        var topics = TestTopics.Fresh();
        var error = await WorkerFailureAsync(broker, topics, new Dictionary<string, string?>
        {
            ["StreamNlp:Retrainer:Enabled"] = "false",
            ["StreamNlp:Kafka:GroupInstanceId"] = "worker-0",
        }, TimeSpan.FromSeconds(30));

        Assert.Contains("StreamNlp:Kafka:GroupInstanceId 'worker-0'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Starts a worker host and returns what its worker failed with; fails the test if it is still running after <paramref name="within"/>.</summary>
    private async Task<Exception> WorkerFailureAsync(KafkaBrokerFixture broker, TestTopics topics, Dictionary<string, string?> settings, TimeSpan within)
    {
        using var host = WorkerTestHost.Build(broker, topics, settings);
        await host.StartAsync();
        var worker = host.Services.GetRequiredService<StreamNlp.Worker.Hosting.EnrichmentWorker>();
        var finished = await Task.WhenAny(worker.ExecuteTask!, Task.Delay(within));
        Assert.Same(worker.ExecuteTask, finished);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => worker.ExecuteTask!);
        output.WriteLine(error.ToString());
        await host.StopAsync();
        return error;
    }
}
