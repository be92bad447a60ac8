using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Hashing;
using StreamNlp.Core.Tasks;
using StreamNlp.IntegrationTests.Kafka;
using StreamNlp.IntegrationTests.Worker;
using StreamNlp.Kafka.ModelUpdates;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Registry;
using StreamNlp.Retrainer.Benchmarks;
using StreamNlp.Retrainer.Hosting;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Worker.Health;
using StreamNlp.Worker.Inference;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Retrainer;

/// <summary>
/// Issue 7, step 6: two <c>streamnlp run</c> replicas (enrichment worker + retrainer each) on one broker and one set
/// of topics, each with a HOME of its own (own registry folder, own feedback database; no shared disk). Labels are
/// sent once. Exactly one promotion happens, by the lease holder; the other replica imports the published head from
/// the models topic; both registries end on it, both workers serve it, and no input is lost or duplicated across
/// the swap.
/// </summary>
[Collection("kafka")]
public sealed class TwoReplicaPromotionTests(KafkaBrokerFixture broker, ITestOutputHelper output) : IDisposable
{
    /// <summary>The shipped current classification version (v1 is the head for the published encoder) and the one a retrain adds.</summary>
    private const string Shipped = "v2";

    private const string Promoted = "v3";

    private const int MinLabels = 300;
    private const int Partitions = 3;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"two-replicas-{Guid.NewGuid():N}");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string Home(string replica) => Path.Combine(_root, replica);

    private string Database(string replica) => Path.Combine(Home(replica), "feedback.db");

    private string Models(string replica) => Path.Combine(Home(replica), "models");

    /// <summary>One replica's settings: everything on disk under its own HOME; topics, groups and lease shared.</summary>
    private Dictionary<string, string?> Settings(string replica, TestTopics topics)
    {
        Directory.CreateDirectory(Home(replica));
        var baseTrain = SyntheticTexts.WriteJsonl(Path.Combine(Home(replica), "base-train.jsonl"), SyntheticTexts.Topics(30, seed: 1));
        var baseDev = SyntheticTexts.WriteJsonl(Path.Combine(Home(replica), "base-dev.jsonl"), SyntheticTexts.Topics(10, seed: 2));
        return new Dictionary<string, string?>
        {
            ["StreamNlp:Kafka:Partitions"] = Partitions.ToString(CultureInfo.InvariantCulture),
            ["StreamNlp:Models:Directory"] = Models(replica),
            ["StreamNlp:Retrainer:DatabasePath"] = Database(replica),
            ["StreamNlp:Retrainer:LeaseTopic"] = topics.Group + "-lease",
            ["StreamNlp:Retrainer:MinLabels"] = MinLabels.ToString(CultureInfo.InvariantCulture),
            ["StreamNlp:Retrainer:CheckIntervalSeconds"] = "0.5",
            ["StreamNlp:Retrainer:BaseData:classification:Train"] = baseTrain,
            ["StreamNlp:Retrainer:BaseData:classification:Dev"] = baseDev,
        };
    }

    private static bool Leads(WorkerTestHost host) => host.Host.Services.GetRequiredService<RetrainerWorker>().IsLeader;

    private static int AssignedInputPartitions(WorkerTestHost host) => host.Host.Services.GetRequiredService<WorkerHealth>().AssignedPartitions;

    /// <summary>The classification head the replica's worker serves now (the bundle its next batch runs on).</summary>
    private static string Serving(WorkerTestHost host) =>
        host.Host.Services.GetRequiredService<IModelBundleProvider>().Current.Versions[NlpTask.Classification.ToName()];

    private int CountStored(string replica)
    {
        using var store = new FeedbackStore(Database(replica));
        return store.Count(NlpTask.Classification);
    }

    private IReadOnlyList<RetrainRun> Runs(string replica)
    {
        using var store = new FeedbackStore(Database(replica));
        return store.Runs(NlpTask.Classification);
    }

    private static string Version(JsonElement record) => record.GetProperty("models").GetProperty("classification").GetString()!;

    [Fact]
    public async Task TwoRunReplicas_OwnHomes_LeaseHolderPromotesOnce_BothServeTheNewVersion_NothingLostOrDuplicated()
    {
        output.WriteLine(broker.Describe());
        var topics = TestTopics.Fresh();
        var started = await Task.WhenAll(
            WorkerTestHost.StartAsync(broker, topics, Settings("a", topics), withRetrainer: true),
            WorkerTestHost.StartAsync(broker, topics, Settings("b", topics), withRetrainer: true));
        await using var a = started[0];
        await using var b = started[1];
        var hosts = new Dictionary<string, WorkerTestHost> { ["a"] = a, ["b"] = b };

        // Both workers hold input partitions (one group), exactly one retrainer holds the lease; nothing rebalances after this.
        await WaitUntilAsync(
            () => AssignedInputPartitions(a) > 0 && AssignedInputPartitions(b) > 0 && AssignedInputPartitions(a) + AssignedInputPartitions(b) == Partitions
                && Leads(a) != Leads(b),
            "both workers hold input partitions and one retrainer leads");
        var leader = Leads(a) ? "a" : "b";
        var follower = leader == "a" ? "b" : "a";
        output.WriteLine($"leader {leader}; input partitions a: {AssignedInputPartitions(a)}, b: {AssignedInputPartitions(b)}");
        Assert.Equal(Shipped, Serving(a));
        Assert.Equal(Shipped, Serving(b));

        // Inputs flow the whole time, keyed by id so they spread over every partition (so over both workers).
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true, LingerMs = 5 }).Build();
        var probe = SyntheticTexts.Cooking(20, seed: 99);
        async Task<List<string>> SendAsync(string prefix, int from, int count)
        {
            var ids = Enumerable.Range(from, count).Select(i => $"{prefix}-{i}").ToList();
            await Task.WhenAll(ids.Select((id, i) => producer.ProduceAsync(topics.Input, new Message<string, byte[]>
            {
                Key = id,
                Value = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id, text = probe[(from + i) % probe.Count] })),
            })));
            return ids;
        }

        var sent = new List<string>();
        using var stopSending = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            for (var chunk = 0; !stopSending.IsCancellationRequested && chunk < 1000; chunk++)
            {
                var ids = await SendAsync("in", chunk * 5, 5);
                lock (sent)
                {
                    sent.AddRange(ids);
                }

                await Task.Delay(100);
            }
        });

        // The labels, once: each replica reads them in a group of its own.
        var labels = SyntheticTexts.Cooking(MinLabels + 20, seed: 7).Select(t => new FeedbackExample(NlpTask.Classification, t, "cooking", Source: "test")).ToList();
        try
        {
            await TopicClient.ProduceAsync(broker.BootstrapServers, topics.Feedback, labels.Select((e, i) => ((string?)$"f{i}", (byte[]?)FeedbackJson.Serialize(e))));

            // The leader retrains and publishes; both replicas import the head and their workers swap to it.
            await WaitUntilAsync(() => Serving(a) == Promoted && Serving(b) == Promoted, "both workers serve the promoted classification version");
            await Task.Delay(2000); // a few more records on the new version
        }
        finally
        {
            await stopSending.CancelAsync();
            await sender;
        }

        List<string> phase1;
        lock (sent)
        {
            phase1 = [.. sent];
        }

        var records = ReadOutput(topics.Output, phase1.Count);
        var ids = records.Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Equal(phase1.Count, ids.Count);               // none lost, none duplicated
        Assert.Equal(phase1.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        var versions = records.Select(Version).ToList();
        Assert.Contains(Shipped, versions);
        Assert.Contains(Promoted, versions);
        // Each partition is served by one replica throughout; in each, once a record names v2 none goes back to v1.
        foreach (var partition in records.GroupBy(r => r.GetProperty("source").GetProperty("partition").GetInt32()))
        {
            var byOffset = partition.OrderBy(r => r.GetProperty("source").GetProperty("offset").GetInt64()).Select(Version).ToList();
            var firstV2 = byOffset.IndexOf(Promoted);
            output.WriteLine($"partition {partition.Key}: {byOffset.Count} records, first v2 at {firstV2}");
            Assert.True(firstV2 >= 0, $"partition {partition.Key} never named v2");
            Assert.All(byOffset.Skip(firstV2), v => Assert.Equal(Promoted, v));
        }

        // Which replica enriches what: with both on v2, the next inputs are counted per worker; both take a share,
        // and every one of them names v2 (and the new label), so each replica serves the promoted head.
        await WaitUntilAsync(() => a.Worker.Processed + b.Worker.Processed == phase1.Count, "the workers counted every first-phase record");
        var before = (A: a.Worker.Processed, B: b.Worker.Processed);
        const int Phase2 = 90;
        var phase2 = await SendAsync("post", 0, Phase2);
        var all = ReadOutput(topics.Output, phase1.Count + Phase2);
        await WaitUntilAsync(() => a.Worker.Processed + b.Worker.Processed == phase1.Count + Phase2, "the workers counted every second-phase record");
        var byA = a.Worker.Processed - before.A;
        var byB = b.Worker.Processed - before.B;
        output.WriteLine($"second phase: {byA} enriched by a, {byB} by b");
        Assert.Equal(phase1.Count + Phase2, all.Count);
        Assert.Equal(phase1.Concat(phase2).Order(StringComparer.Ordinal), all.Select(r => r.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        var post = all.Where(r => r.GetProperty("id").GetString()!.StartsWith("post-", StringComparison.Ordinal)).ToList();
        Assert.Equal(Phase2, post.Count);
        Assert.True(byA > 0, "replica a enriched none of the second-phase inputs");
        Assert.True(byB > 0, "replica b enriched none of the second-phase inputs");
        Assert.Equal(Phase2, byA + byB);
        Assert.All(post, r => Assert.Equal(Promoted, Version(r)));
        Assert.All(post, r => Assert.Equal("cooking", r.GetProperty("classification").GetProperty("label").GetString()));
        Assert.Equal(Partitions, post.Select(r => r.GetProperty("source").GetProperty("partition").GetInt32()).Distinct().Count());

        // Exactly one promotion on the models topic, shipped → promoted, with the head's chunks before it.
        var models = TopicClient.Read(broker.BootstrapServers, topics.Models, int.MaxValue, TimeSpan.FromSeconds(10));
        var events = models.Where(m => !ModelArtifactChunks.TryParseKey(m.Message.Key, out _, out _, out _)).ToList();
        var update = JsonDocument.Parse(Assert.Single(events).Message.Value!).RootElement;
        Assert.Equal("model-updated", update.GetProperty("type").GetString());
        Assert.Equal("classification", update.GetProperty("task").GetString());
        Assert.Equal(Promoted, update.GetProperty("version").GetString());
        Assert.Equal(Shipped, update.GetProperty("previousVersion").GetString());

        // Made by the lease holder: it recorded the one round (promoted, v2); the other replica ran none, though its
        // store holds every label too; the lease did not move.
        Assert.True(Leads(hosts[leader]), "the leader still holds the lease");
        Assert.False(Leads(hosts[follower]));
        var run = Assert.Single(Runs(leader));
        output.WriteLine($"{leader}: {run.Decision} {run.ChallengerVersion}: {run.Reason}");
        Assert.Equal(RetrainDecisions.Promoted, run.Decision);
        Assert.Equal(Promoted, run.ChallengerVersion);
        Assert.Empty(Runs(follower));
        Assert.Equal(labels.Count, CountStored(leader));
        Assert.Equal(labels.Count, CountStored(follower));

        // Both registries end on v2, and it is the same head: the one the event names (the follower imported it).
        var manifestSha256 = update.GetProperty("manifestSha256").GetString();
        foreach (var replica in new[] { "a", "b" })
        {
            var registry = new ModelRegistry(Models(replica));
            Assert.Equal(Promoted, registry.CurrentVersion(NlpTask.Classification));
            Assert.Equal(new[] { "v1", Shipped, Promoted }, registry.Versions(NlpTask.Classification).Order(StringComparer.Ordinal));
            var v2 = registry.VersionDirectory(NlpTask.Classification, Promoted);
            Assert.Equal(manifestSha256, FileHash.Sha256Of(Path.Combine(v2, HeadContract.ManifestFileName)));
            Assert.Contains("cooking", ModelRegistry.ReadManifest(v2).Labels);
        }
    }

    private List<JsonElement> ReadOutput(string topic, int expected) =>
        [.. TopicClient.Read(broker.BootstrapServers, topic, expected, Timeout, TimeSpan.FromSeconds(2)).Select(r => JsonDocument.Parse(r.Message.Value!).RootElement)];

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {Timeout.TotalSeconds} s: {what}");
            await Task.Delay(250);
        }
    }
}
