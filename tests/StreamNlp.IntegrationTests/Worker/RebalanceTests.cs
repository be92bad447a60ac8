using System.Text;
using System.Text.Json;
using StreamNlp.IntegrationTests.Kafka;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Worker;

/// <summary>
/// Workers joining and leaving a running group. With incremental assignment (the consumer protocol, or
/// cooperative-sticky on the classic one), pause-based back-pressure and a revoke that finishes and commits
/// the batch in flight while dropping buffered records of revoked partitions, graceful joins and leaves must
/// neither lose nor duplicate a record. Both group protocols run; on the embedded broker only the default
/// consumer protocol can promise 0 duplicates (see the classic branch below).
/// </summary>
[Collection("kafka")]
public sealed class RebalanceTests(KafkaBrokerFixture broker, ITestOutputHelper output)
{
    private const int BatchSize = 16;

    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(180);

    [Theory]
    [InlineData("Classic")]
    [InlineData("Consumer")]
    public async Task Workers_OneToThreeToOne_GracefulRebalancesLoseAndDuplicateNothing(string groupProtocol)
    {
        output.WriteLine(broker.Describe());
        var topics = TestTopics.Fresh();
        var settings = new Dictionary<string, string?>
        {
            ["StreamNlp:Kafka:Partitions"] = "6",
            ["StreamNlp:Retrainer:Enabled"] = "false",
            ["StreamNlp:Kafka:GroupProtocol"] = groupProtocol,
            // A small buffer so pausing (not blocking) is exercised while partitions move.
            ["StreamNlp:Batching:ChannelCapacity"] = "64",
            ["StreamNlp:Batching:MaxBatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["StreamNlp:Batching:LengthWindow"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        const int Total = 1200;
        var inputs = new List<Confluent.Kafka.TopicPartitionOffset>();
        await using var first = await WorkerTestHost.StartAsync(broker, topics, settings);

        var producing = Task.Run(async () =>
        {
            for (var chunk = 0; chunk < 30; chunk++)
            {
                var messages = Enumerable.Range(chunk * (Total / 30), Total / 30)
                    .Select(i => ((string?)$"key-{i % 40}", (byte[]?)Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id = $"r-{i}", text = $"Match report {i}: Chelsea beat Arsenal in London." }))));
                var landed = await TopicClient.ProduceWithOffsetsAsync(broker.BootstrapServers, topics.Input, messages);
                lock (inputs)
                {
                    inputs.AddRange(landed);
                }

                await Task.Delay(400);
            }
        });

        await Task.Delay(TimeSpan.FromSeconds(2));
        var second = await WorkerTestHost.StartAsync(broker, topics, settings);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var third = await WorkerTestHost.StartAsync(broker, topics, settings);
        await Task.Delay(TimeSpan.FromSeconds(4));
        await third.StopAsync();
        var byThird = third.Worker.Processed;
        await third.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await second.StopAsync();
        var bySecond = second.Worker.Processed;
        await second.DisposeAsync();
        await producing;

        var enriched = TopicClient.Read(broker.BootstrapServers, topics.Output, Total, ReadTimeout, TimeSpan.FromSeconds(3));
        var deadLetters = TopicClient.Read(broker.BootstrapServers, topics.DeadLetter, 0, TimeSpan.FromSeconds(2));

        var invariant = DeliveryInvariant.Check(inputs, enriched, deadLetters);
        output.WriteLine(invariant.ToString());
        output.WriteLine($"enriched by the three workers: {first.Worker.Processed}, {bySecond}, {byThird}");
        Assert.Equal(Total, inputs.Count);
        Assert.Empty(invariant.Missing);
        if (broker.Embedded is null || groupProtocol == "Consumer")
        {
            Assert.Equal(0, invariant.Duplicates);
        }
        else
        {
            // Classic protocol on the mock only: its group coordinator refuses offset commits while members rejoin
            // (Kafka accepts them from the current generation), so when two workers revoke at once, the one that
            // finishes its batch in flight after the other rejoined cannot commit it: at most one window per worker
            // that revokes partitions, per rebalance (here a window is one batch; README, Guarantees). The four
            // rebalances (1 → 2 → 3 → 2 → 1) revoke from one worker, then two, then hand partitions back.
            Assert.InRange(invariant.Duplicates, 0, 4 * BatchSize);
        }

        Assert.Equal(0, invariant.OrderViolations);
        Assert.Empty(deadLetters);
        Assert.True(bySecond > 0, "the second worker never got partitions");
        Assert.True(byThird > 0, "the third worker never got partitions");
    }
}
