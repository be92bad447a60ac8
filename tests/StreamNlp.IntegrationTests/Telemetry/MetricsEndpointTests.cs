using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.Http;
using StreamNlp.IntegrationTests.Kafka;
using StreamNlp.IntegrationTests.Worker;
using StreamNlp.Retrainer.Benchmarks;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Telemetry;

/// <summary>
/// <c>/metrics</c> after traffic: every series the issue names, named exactly so (Prometheus text format), with
/// values that show the traffic: enriched, dead-lettered and review records, batches, inference time, latency,
/// consumer lag per input partition, the models served, and a retraining decision.
/// </summary>
[Collection("kafka")]
public sealed class MetricsEndpointTests(KafkaBrokerFixture broker, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(240);
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"metrics-{Guid.NewGuid():N}");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Metrics_AfterTraffic_ShowEverySeriesByItsExactNameWithNonZeroValues()
    {
        output.WriteLine(broker.Describe());
        Directory.CreateDirectory(_root);
        var topics = TestTopics.Fresh();
        var port = FreePort.Next();
        var settings = new Dictionary<string, string?>
        {
            ["StreamNlp:Http:Port"] = $"{port}",
            ["StreamNlp:Review:Classification"] = "1", // every result is unsure enough for review
            ["StreamNlp:Models:Directory"] = Path.Combine(_root, "models"), // the retrainer may write here
            ["StreamNlp:Retrainer:DatabasePath"] = Path.Combine(_root, "feedback.db"),
            ["StreamNlp:Retrainer:MinLabels"] = "40",
            ["StreamNlp:Retrainer:CheckIntervalSeconds"] = "0.5",
            ["StreamNlp:Retrainer:BaseData:classification:Train"] = SyntheticTexts.WriteJsonl(Path.Combine(_root, "train.jsonl"), SyntheticTexts.Topics(30, seed: 1)),
            ["StreamNlp:Retrainer:BaseData:classification:Dev"] = SyntheticTexts.WriteJsonl(Path.Combine(_root, "dev.jsonl"), SyntheticTexts.Topics(10, seed: 2)),
        };
        await using var host = await WorkerTestHost.StartAsync(broker, topics, settings, withRetrainer: true);
        await host.Host.Services.GetRequiredService<HttpEndpoint>().Started;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var texts = Enumerable.Range(0, 30).Select(i => $"Roger Federer won the final in London, match {i}.").ToList();
        await TopicClient.ProduceTextsAsync(broker.BootstrapServers, topics.Input, texts);
        await TopicClient.ProduceAsync(broker.BootstrapServers, topics.Input,
            [("empty", Encoding.UTF8.GetBytes("""{"text":"   "}""")), ("not-json", Encoding.UTF8.GetBytes("{oops"))]);
        string[] labels = ["world", "sports", "business", "tech"];
        var random = new Random(3);
        var noise = SyntheticTexts.Topics(10, seed: 5).Select(t => new FeedbackExample(NlpTask.Classification, t.Text, labels[random.Next(4)], Source: "noise"));
        await TopicClient.ProduceAsync(broker.BootstrapServers, topics.Feedback, noise.Select(e => ((string?)null, (byte[]?)FeedbackJson.Serialize(e))));

        IReadOnlyList<PrometheusSample> samples = [];
        var body = "";
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            body = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            samples = PrometheusSample.ParseAll(body);
            if (Value(samples, "streamnlp_records_total", "outcome", "enriched") >= texts.Count
                && samples.Any(s => s.Name == "streamnlp_retrain_decisions_total")
                && samples.Any(s => s.Name == "streamnlp_consumer_lag" && s.Label("topic") == topics.Input))
            {
                break;
            }

            await Task.Delay(500);
        }

        output.WriteLine(string.Join('\n', body.Split('\n').Where(l => l.StartsWith("streamnlp_", StringComparison.Ordinal) && !l.Contains("_bucket", StringComparison.Ordinal))));
        Assert.True(Value(samples, "streamnlp_records_total", "outcome", "enriched") >= texts.Count);
        Assert.True(Value(samples, "streamnlp_records_total", "outcome", "deadletter") >= 2);
        Assert.True(Value(samples, "streamnlp_records_total", "outcome", "review") >= texts.Count);
        Assert.True(Value(samples, "streamnlp_deadletters_total", "reason", "empty-text") >= 1);
        Assert.True(Value(samples, "streamnlp_deadletters_total", "reason", "invalid-json") >= 1);
        foreach (var histogram in new[] { "streamnlp_batch_size", "streamnlp_batch_tokens", "streamnlp_inference_duration_seconds", "streamnlp_record_latency_seconds" })
        {
            Assert.True(samples.Where(s => s.Name == histogram + "_count").Sum(s => s.Value) > 0, $"{histogram}_count");
            Assert.True(samples.Where(s => s.Name == histogram + "_sum").Sum(s => s.Value) > 0, $"{histogram}_sum");
            Assert.Contains(samples, s => s.Name == histogram + "_bucket" && s.Label("le") == "+Inf");
        }

        var lag = samples.Where(s => s.Name == "streamnlp_consumer_lag" && s.Label("topic") == topics.Input).ToList();
        Assert.NotEmpty(lag);
        Assert.All(lag, s => Assert.InRange(int.Parse(s.Label("partition"), CultureInfo.InvariantCulture), 0, 2));
        Assert.All(lag, s => Assert.True(s.Value >= 0));

        var models = samples.Where(s => s.Name == "streamnlp_model_info").ToList();
        Assert.Equal(["classification", "ner", "sentiment"], models.Select(s => s.Label("task")).Distinct().Order(StringComparer.Ordinal));
        Assert.All(models, s => Assert.Equal(1, s.Value));
        Assert.All(models, s => Assert.StartsWith("v", s.Label("version"), StringComparison.Ordinal));
        Assert.All(models, s => Assert.StartsWith("all-MiniLM-L6-v2", s.Label("encoder"), StringComparison.Ordinal));

        var decision = Assert.Single(samples, s => s.Name == "streamnlp_retrain_decisions_total");
        Assert.Equal("classification", decision.Label("task"));
        Assert.Contains(decision.Label("decision"), new[] { "promoted", "rejected", "failed" });
        Assert.Equal(1, decision.Value);
    }

    private static double Value(IReadOnlyList<PrometheusSample> samples, string name, string label, string value) =>
        samples.Where(s => s.Name == name && s.Label(label) == value).Sum(s => s.Value);
}
