using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using StreamNlp.IntegrationTests.Kafka;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Worker;

/// <summary>The worker as a real process: killed with SIGKILL, stopped with SIGTERM, failing for good.</summary>
[Collection("kafka")]
public sealed class CrashRestartTests(KafkaBrokerFixture broker, ITestOutputHelper output)
{
    private const int Total = 600;
    private const int BatchSize = 32;
    private const int Window = 64;
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(120);
    private static readonly string Models = Path.Combine(Path.GetTempPath(), $"streamnlp-test-child-models-{Environment.ProcessId}");

    [SkippableFact]
    public async Task Worker_KilledThreeTimes_LosesNothingDuplicatesOnlyWindowsInFlight_SigtermExitsZero()
    {
        var cli = WorkerProcess.CliPath();
        Skip.If(cli is null, "the CLI is not built beside the tests (dotnet build StreamNlp.sln builds it)");
        output.WriteLine(broker.Describe());
        var topics = TestTopics.Fresh();
        await CreateTopics(topics);
        var inputs = await TopicClient.ProduceWithOffsetsAsync(broker.BootstrapServers, topics.Input,
            Enumerable.Range(0, Total).Select(i => ((string?)$"key-{i % 12}",
                (byte[]?)Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id = $"c-{i}", text = $"Bulletin {i}: the Bank of England raised rates in London." })))));
        var settings = new Dictionary<string, string>
        {
            ["StreamNlp__Batching__MaxBatchSize"] = $"{BatchSize}",
            ["StreamNlp__Batching__LengthWindow"] = $"{Window}", // a crash duplicates at most the window in flight
        };

        for (var kill = 1; kill <= 3; kill++)
        {
            using var child = WorkerProcess.Start(cli!, broker.BootstrapServers, topics, Models, settings);
            var seen = TopicClient.Read(broker.BootstrapServers, topics.Output, kill * 100, ReadTimeout).Count;
            Assert.False(child.HasExited, $"the worker exited before kill {kill}: {child.Stderr}");
            child.KillHard();
            await child.WaitForExitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine($"kill -9 #{kill} after {seen} enriched records were visible");
        }

        using var last = WorkerProcess.Start(cli!, broker.BootstrapServers, topics, Models, settings);
        var enriched = TopicClient.Read(broker.BootstrapServers, topics.Output, Total, ReadTimeout, TimeSpan.FromSeconds(2));
        var invariant = DeliveryInvariant.Check(inputs, enriched, []);
        var exitCode = await last.TerminateAsync(TimeSpan.FromSeconds(60));

        output.WriteLine(invariant.ToString());
        Assert.Empty(invariant.Missing);
        Assert.InRange(invariant.Duplicates, 0, 3 * Window);
        Assert.Equal(0, exitCode);
    }

    [SkippableFact]
    public async Task Worker_BrokerGoneLongerThanTheSetting_ExitsOneWithOneLineNamingIt()
    {
        var cli = WorkerProcess.CliPath();
        Skip.If(cli is null, "the CLI is not built beside the tests (dotnet build StreamNlp.sln builds it)");
        var topics = TestTopics.Fresh();
        using var child = WorkerProcess.Start(cli!, "127.0.0.1:9", topics, Models,
            new Dictionary<string, string> { ["StreamNlp__Kafka__BrokerLossExitSeconds"] = "3" });

        var exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(90));

        output.WriteLine(child.Stderr);
        Assert.Equal(1, exitCode);
        Assert.Contains("error: EnrichmentWorker failed: no Kafka broker answered for 3 s (StreamNlp:Kafka:BrokerLossExitSeconds)", child.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", child.Stderr, StringComparison.Ordinal); // no stack trace
    }

    private async Task CreateTopics(TestTopics topics)
    {
        foreach (var topic in new[] { topics.Input, topics.Output, topics.DeadLetter, topics.Review })
        {
            await broker.CreateTopicAsync(topic, 3);
        }
    }
}
