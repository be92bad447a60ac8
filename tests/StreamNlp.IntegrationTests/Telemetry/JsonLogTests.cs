using System.Text;
using System.Text.Json;
using StreamNlp.IntegrationTests.Kafka;
using StreamNlp.IntegrationTests.Worker;
using StreamNlp.Kafka.DeadLetters;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Telemetry;

/// <summary><c>StreamNlp:Logging:Format=json</c>: every log line is a JSON object, with the batch and record scopes.</summary>
[Collection("kafka")]
public sealed class JsonLogTests(KafkaBrokerFixture broker, ITestOutputHelper output)
{
    private static readonly string Models = Path.Combine(Path.GetTempPath(), $"streamnlp-test-child-models-{Environment.ProcessId}");

    [SkippableFact]
    public async Task Run_JsonFormat_EveryLineIsJsonAndADeadLetterCarriesBatchAndRecordScopes()
    {
        var cli = WorkerProcess.CliPath();
        Skip.If(cli is null, "the CLI is not built beside the tests (dotnet build StreamNlp.sln builds it)");
        var topics = TestTopics.Fresh();
        foreach (var topic in new[] { topics.Input, topics.Output, topics.DeadLetter, topics.Review })
        {
            await broker.CreateTopicAsync(topic, 1);
        }

        using var child = WorkerProcess.Start(cli!, broker.BootstrapServers, topics, Models,
            new Dictionary<string, string> { ["StreamNlp__Logging__Format"] = "json" });
        await TopicClient.ProduceAsync(broker.BootstrapServers, topics.Input, [("bad", Encoding.UTF8.GetBytes("""{"text":"   "}"""))]);
        var letter = Assert.Single(TopicClient.Read(broker.BootstrapServers, topics.DeadLetter, 1, TimeSpan.FromSeconds(120)));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!child.Stderr.Contains("\"EventId\":2002", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var exitCode = await child.TerminateAsync(TimeSpan.FromSeconds(60));

        var lines = child.Stderr.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        output.WriteLine(string.Join('\n', lines.Take(40)));
        Assert.Equal(0, exitCode);
        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList(); // every line parses
        Assert.All(events, e =>
        {
            Assert.True(e.TryGetProperty("Timestamp", out _));
            Assert.True(e.TryGetProperty("LogLevel", out _));
            Assert.True(e.TryGetProperty("Category", out _));
            Assert.True(e.TryGetProperty("Message", out _));
        });
        var deadLettered = Assert.Single(events, e => e.GetProperty("EventId").GetInt32() == 2002);
        var scopes = deadLettered.GetProperty("Scopes").EnumerateArray().ToList();
        Assert.Contains(scopes, s => s.TryGetProperty("BatchId", out var id) && id.GetInt64() >= 1);
        var record = Assert.Single(scopes, s => s.TryGetProperty("Topic", out _));
        Assert.Equal(topics.Input, record.GetProperty("Topic").GetString());
        Assert.Equal(TopicClient.Header(letter, DeadLetterHeaders.SourceOffset), record.GetProperty("Offset").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, record.GetProperty("Partition").GetInt32());
        Assert.Contains(scopes, s => s.TryGetProperty("TraceId", out var trace) && trace.GetString()!.Length == 32); // the batch span's trace
    }
}
