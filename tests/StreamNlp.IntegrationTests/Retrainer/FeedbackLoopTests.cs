using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.IntegrationTests.Kafka;
using StreamNlp.IntegrationTests.Worker;
using StreamNlp.Models.Registry;
using StreamNlp.Retrainer.Benchmarks;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Kafka.DeadLetters;
using StreamNlp.Kafka.ModelUpdates;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Retrainer;

[Collection("kafka")]
public sealed class FeedbackLoopTests(KafkaBrokerFixture broker, ITestOutputHelper output) : IDisposable
{
    /// <summary>The shipped current classification version (v1 is the head for the published encoder) and the one a retrain adds.</summary>
    private const string Shipped = "v2";

    private const string Promoted = "v3";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"feedback-loop-{Guid.NewGuid():N}");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private Dictionary<string, string?> Settings(int minLabels)
    {
        Directory.CreateDirectory(_root);
        var baseTrain = SyntheticTexts.WriteJsonl(Path.Combine(_root, "base-train.jsonl"), SyntheticTexts.Topics(30, seed: 1));
        var baseDev = SyntheticTexts.WriteJsonl(Path.Combine(_root, "base-dev.jsonl"), SyntheticTexts.Topics(10, seed: 2));
        return new Dictionary<string, string?>
        {
            ["StreamNlp:Models:Directory"] = Path.Combine(_root, "models"),
            ["StreamNlp:Retrainer:DatabasePath"] = Path.Combine(_root, "feedback.db"),
            ["StreamNlp:Retrainer:MinLabels"] = minLabels.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["StreamNlp:Retrainer:CheckIntervalSeconds"] = "0.5",
            ["StreamNlp:Retrainer:BaseData:classification:Train"] = baseTrain,
            ["StreamNlp:Retrainer:BaseData:classification:Dev"] = baseDev,
        };
    }

    private static Task SendFeedbackAsync(string bootstrap, string topic, IEnumerable<FeedbackExample> examples) =>
        TopicClient.ProduceAsync(bootstrap, topic, examples.Select(e => ((string?)null, (byte[]?)FeedbackJson.Serialize(e))));

    [Fact]
    public async Task Retrainer_NewDomainLabels_PromotesAndWorkersSwitchWithNothingLostOrDuplicated()
    {
        output.WriteLine(broker.Describe());
        var topics = TestTopics.Fresh();
        await using var host = await WorkerTestHost.StartAsync(broker, topics, Settings(minLabels: 300), withRetrainer: true);

        // Inputs flow the whole time: before, during and after the swap.
        var sent = new ConcurrentBag<string>();
        using var stopSending = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            var probe = SyntheticTexts.Cooking(20, seed: 99);
            for (var i = 0; !stopSending.IsCancellationRequested && i < 5000; i++)
            {
                var id = $"in-{i}";
                var json = JsonSerializer.Serialize(new { id, text = probe[i % probe.Count] });
                await TopicClient.ProduceTextsAsync(broker.BootstrapServers, topics.Input, [json]);
                sent.Add(id);
                await Task.Delay(20);
            }
        });

        var labels = SyntheticTexts.Cooking(320, seed: 7).Select(t => new FeedbackExample(NlpTask.Classification, t, "cooking", Source: "test"));
        await SendFeedbackAsync(broker.BootstrapServers, topics.Feedback, labels);

        // Wait until enriched records come from the promoted version.
        var switched = false;
        var deadline = DateTime.UtcNow + Timeout;
        while (!switched && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1000);
            switched = TopicClient.Read(broker.BootstrapServers, topics.Output, int.MaxValue, TimeSpan.FromSeconds(2))
                .Any(r => JsonDocument.Parse(r.Message.Value!).RootElement.GetProperty("models").GetProperty("classification").GetString() == Promoted);
        }

        Assert.True(switched, $"no enriched record named classification {Promoted} within the timeout");
        await Task.Delay(2000); // a few more records on the new version
        await stopSending.CancelAsync();
        await sender;

        var records = TopicClient.Read(broker.BootstrapServers, topics.Output, sent.Count, Timeout, TimeSpan.FromSeconds(2))
            .Select(r => JsonDocument.Parse(r.Message.Value!).RootElement)
            .ToList();
        var ids = records.Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Equal(sent.Count, ids.Count);                 // none lost, none duplicated
        Assert.Equal(sent.OrderBy(x => x), ids.OrderBy(x => x));
        var versions = records.Select(r => r.GetProperty("models").GetProperty("classification").GetString()).ToList();
        Assert.Contains(Shipped, versions);
        Assert.Contains(Promoted, versions);
        // Once a record names v2, later records (by input order) never go back to v1.
        var byInput = records.OrderBy(r => int.Parse(r.GetProperty("id").GetString()![3..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var firstV2 = byInput.FindIndex(r => r.GetProperty("models").GetProperty("classification").GetString() == Promoted);
        output.WriteLine($"{records.Count} records; first {Promoted} at input {firstV2}");
        var afterSwap = byInput.Skip(firstV2 + 128).ToList(); // up to two batches (MaxBatchSize 64) may straddle partitions
        Assert.All(afterSwap, r => Assert.Equal(Promoted, r.GetProperty("models").GetProperty("classification").GetString()));
        Assert.All(afterSwap, r => Assert.Equal("cooking", r.GetProperty("classification").GetProperty("label").GetString()));

        var registry = new ModelRegistry(Path.Combine(_root, "models"));
        Assert.Equal(Promoted, registry.CurrentVersion(NlpTask.Classification));
        Assert.Contains("cooking", ModelRegistry.ReadManifest(registry.VersionDirectory(NlpTask.Classification, Promoted)).Labels);
        var models = TopicClient.Read(broker.BootstrapServers, topics.Models, int.MaxValue, TimeSpan.FromSeconds(10));
        var events = models.Where(m => !ModelArtifactChunks.TryParseKey(m.Message.Key, out _, out _, out _)).ToList();
        var update = JsonDocument.Parse(Assert.Single(events).Message.Value!).RootElement;
        Assert.Equal("model-updated", update.GetProperty("type").GetString());
        Assert.Equal(Promoted, update.GetProperty("version").GetString());
        // The head travelled with it: its chunks came first, as many as the event says.
        var chunks = update.GetProperty("artifact").GetProperty("chunks").GetInt32();
        Assert.Equal(chunks, models.Count(m => m.Message.Key!.StartsWith($"artifact/classification/{Promoted}/", StringComparison.Ordinal)));
        Assert.True(models.FindIndex(m => m.Message.Key == "classification") > models.FindLastIndex(m => m.Message.Key!.StartsWith("artifact/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Retrainer_RandomLabels_AreRejectedAndChampionKeepsServing()
    {
        var topics = TestTopics.Fresh();
        await using var host = await WorkerTestHost.StartAsync(broker, topics, Settings(minLabels: 300), withRetrainer: true);
        var random = new Random(5);
        string[] topicsLabels = ["world", "sports", "business", "tech"];
        var noise = SyntheticTexts.Topics(80, seed: 11)
            .Select(t => new FeedbackExample(NlpTask.Classification, t.Text, topicsLabels[random.Next(4)], Source: "noise"))
            .ToList();
        await SendFeedbackAsync(broker.BootstrapServers, topics.Feedback, noise);

        var runs = await WaitForRunsAsync(NlpTask.Classification);

        var run = Assert.Single(runs);
        output.WriteLine($"{run.Decision}: {run.Reason}");
        Assert.Equal(RetrainDecisions.Rejected, run.Decision);
        Assert.True(run.Champion.ContainsKey("feedbackHoldout") && run.Challenger.ContainsKey("feedbackHoldout"), "both sets of numbers are recorded");
        Assert.Equal(Shipped, new ModelRegistry(Path.Combine(_root, "models")).CurrentVersion(NlpTask.Classification));
        Assert.Empty(TopicClient.Read(broker.BootstrapServers, topics.Models, 1, TimeSpan.FromSeconds(3)));

        await TopicClient.ProduceTextsAsync(broker.BootstrapServers, topics.Input, ["Arsenal beat Chelsea 2-0 on Sunday."]);
        var record = JsonDocument.Parse(Assert.Single(TopicClient.Read(broker.BootstrapServers, topics.Output, 1, Timeout)).Message.Value!).RootElement;
        Assert.Equal(Shipped, record.GetProperty("models").GetProperty("classification").GetString());
    }

    [Fact]
    public async Task Retrainer_InvalidFeedback_GoesToDeadLetter_AndStoreSurvivesRestart()
    {
        var topics = TestTopics.Fresh();
        var settings = Settings(minLabels: 1000);
        var valid = SyntheticTexts.Cooking(40, seed: 3).Select(t => new FeedbackExample(NlpTask.Classification, t, "cooking")).ToList();
        var invalid = new (string Key, string Value, string Reason)[]
        {
            ("unknown-task", """{"task":"summarize","text":"a","label":"b"}""", FeedbackErrors.UnknownTask),
            ("empty-text", """{"task":"sentiment","text":"  ","label":"positive"}""", FeedbackErrors.EmptyText),
            ("no-label", """{"task":"sentiment","text":"great"}""", FeedbackErrors.MissingLabel),
            ("out-of-range", """{"task":"ner","text":"Paris","entities":[{"start":0,"end":9,"label":"LOC"}]}""", FeedbackErrors.SpanOutOfRange),
            ("overlap", """{"task":"ner","text":"New York City","entities":[{"start":0,"end":8,"label":"LOC"},{"start":4,"end":13,"label":"LOC"}]}""", FeedbackErrors.SpansOverlap),
            ("not-json", "{oops", FeedbackErrors.InvalidJson),
        };

        await using (var first = await WorkerTestHost.StartAsync(broker, topics, settings, withRetrainer: true))
        {
            await SendFeedbackAsync(broker.BootstrapServers, topics.Feedback, valid);
            await TopicClient.ProduceAsync(broker.BootstrapServers, topics.Feedback, invalid.Select(i => ((string?)i.Key, (byte[]?)Encoding.UTF8.GetBytes(i.Value))));

            var letters = TopicClient.Read(broker.BootstrapServers, topics.DeadLetter, invalid.Length, Timeout, TimeSpan.FromSeconds(1));
            Assert.Equal(invalid.Length, letters.Count);
            foreach (var (key, _, reason) in invalid)
            {
                Assert.Equal(reason, TopicClient.Header(Assert.Single(letters, l => l.Message.Key == key), DeadLetterHeaders.Error));
            }

            await WaitUntilAsync(() => CountStored() == valid.Count);
        }

        // A new retrainer on the same database still has every example, and does not store them twice.
        await using (var second = await WorkerTestHost.StartAsync(broker, topics, settings, withRetrainer: true))
        {
            await SendFeedbackAsync(broker.BootstrapServers, topics.Feedback, valid.Take(5));
            await Task.Delay(3000);
            Assert.Equal(valid.Count, CountStored());
        }
    }

    private int CountStored()
    {
        using var store = new FeedbackStore(Path.Combine(_root, "feedback.db"));
        return store.Count(NlpTask.Classification);
    }

    private async Task<IReadOnlyList<RetrainRun>> WaitForRunsAsync(NlpTask task)
    {
        IReadOnlyList<RetrainRun> runs = [];
        await WaitUntilAsync(() =>
        {
            using var store = new FeedbackStore(Path.Combine(_root, "feedback.db"));
            runs = store.Runs(task);
            return runs.Count > 0;
        });
        return runs;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within the timeout");
            await Task.Delay(250);
        }
    }
}
