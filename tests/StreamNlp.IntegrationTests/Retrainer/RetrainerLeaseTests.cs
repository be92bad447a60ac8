using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.IntegrationTests.Kafka;
using StreamNlp.IntegrationTests.Worker;
using StreamNlp.Kafka.DeadLetters;
using StreamNlp.Retrainer.Benchmarks;
using StreamNlp.Retrainer.Health;
using StreamNlp.Retrainer.Hosting;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Retrainer.Telemetry;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Retrainer;

/// <summary>
/// Several retrainer instances on one broker, each with its own database and registry (no shared disk): every
/// instance stores every label, exactly one holds the lease, invalid feedback is dead-lettered once, and the lease
/// moves when its holder stops.
/// </summary>
[Collection("kafka")]
public sealed class RetrainerLeaseTests(KafkaBrokerFixture broker, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"retrainer-lease-{Guid.NewGuid():N}");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string Database(string instance) => Path.Combine(_root, instance, "feedback.db");

    /// <summary>A host running the retrainer alone (as <c>streamnlp retrainer</c> does), in a HOME of its own.</summary>
    private IHost Build(string instance, TestTopics topics, int minLabels)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [], DisableDefaults = true });
        var values = new Dictionary<string, string?>
        {
            ["StreamNlp:Kafka:BootstrapServers"] = broker.BootstrapServers,
            ["StreamNlp:Kafka:DeadLetterTopic"] = topics.DeadLetter,
            ["StreamNlp:Kafka:FeedbackTopic"] = topics.Feedback,
            ["StreamNlp:Kafka:ModelsTopic"] = topics.Models,
            ["StreamNlp:Kafka:Partitions"] = "3",
            ["StreamNlp:Retrainer:GroupId"] = topics.Group + "-retrainer",
            ["StreamNlp:Retrainer:LeaseTopic"] = topics.Group + "-lease",
            ["StreamNlp:Retrainer:DatabasePath"] = Database(instance),
            ["StreamNlp:Retrainer:MinLabels"] = minLabels.ToString(CultureInfo.InvariantCulture),
            ["StreamNlp:Retrainer:CheckIntervalSeconds"] = "0.5",
            ["StreamNlp:Models:Directory"] = Path.Combine(_root, instance, "models"),
            ["StreamNlp:Http:Port"] = "0",
        };
        if (broker.Embedded is not null)
        {
            values["StreamNlp:Kafka:Consumer:session.timeout.ms"] = "2000";
            values["StreamNlp:Kafka:Consumer:heartbeat.interval.ms"] = "500";
            builder.Services.AddSingleton(broker.Embedded);
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information);
        builder.AddRetrainer();
        return builder.Build();
    }

    private int CountStored(string instance)
    {
        using var store = new FeedbackStore(Database(instance));
        return store.Count(NlpTask.Classification);
    }

    private static bool Leads(IHost host) => host.Services.GetRequiredService<RetrainerWorker>().IsLeader;

    [Fact]
    public async Task TwoInstances_OneLeader_BothStoreEveryLabel_InvalidFeedbackDeadLetteredOnce_LeaseMovesWhenTheLeaderStops()
    {
        output.WriteLine(broker.Describe());
        var topics = TestTopics.Fresh();
        using var a = Build("a", topics, minLabels: 1000);
        using var b = Build("b", topics, minLabels: 1000);
        await Task.WhenAll(a.StartAsync(), b.StartAsync());
        var hosts = new Dictionary<string, IHost> { ["a"] = a, ["b"] = b };

        var labels = SyntheticTexts.Cooking(24, seed: 4).Select(t => new FeedbackExample(NlpTask.Classification, t, "cooking", Source: "test")).ToList();
        await TopicClient.ProduceAsync(broker.BootstrapServers, topics.Feedback, labels.Select((e, i) => ((string?)$"k{i}", (byte[]?)FeedbackJson.Serialize(e))));

        // Both stores end with every label: each instance reads the topic in a group of its own.
        await WaitUntilAsync(() => CountStored("a") == labels.Count && CountStored("b") == labels.Count, "both stores hold every label");
        Assert.NotEqual(a.Services.GetRequiredService<RetrainerWorker>().InstanceId, b.Services.GetRequiredService<RetrainerWorker>().InstanceId);

        // Exactly one holds the lease, and its gauge and probe say so.
        await WaitUntilAsync(() => Leads(a) || Leads(b), "an instance acquired the lease");
        var leader = Leads(a) ? "a" : "b";
        var follower = leader == "a" ? "b" : "a";
        Assert.False(Leads(hosts[follower]));
        Assert.True(hosts[leader].Services.GetRequiredService<RetrainerMetrics>().IsLeader);
        Assert.False(hosts[follower].Services.GetRequiredService<RetrainerMetrics>().IsLeader);
        Assert.True(hosts[leader].Services.GetRequiredService<RetrainerHealth>().IsLeader);
        output.WriteLine($"leader {leader}");

        // Invalid feedback: dead-lettered by the one instance that holds its partition in the shared group, not by both.
        // Sent once both instances have been in that group for a while: a record dead-lettered while the second one is
        // still joining can be read again by the partition's next owner (at-least-once; the embedded broker refuses
        // commits during a rebalance, README "What the embedded broker does not guarantee").
        string[] invalid = ["""{"task":"summarize","text":"a","label":"b"}""", "{oops", """{"task":"sentiment","text":"  ","label":"positive"}"""];
        await TopicClient.ProduceAsync(broker.BootstrapServers, topics.Feedback, invalid.Select((v, i) => ((string?)$"bad{i}", (byte[]?)Encoding.UTF8.GetBytes(v))));
        var letters = TopicClient.Read(broker.BootstrapServers, topics.DeadLetter, invalid.Length, Timeout, settle: TimeSpan.FromSeconds(3));
        output.WriteLine(string.Join(", ", letters.Select(l => $"{l.Message.Key} by {TopicClient.Header(l, RetrainerWorker.RetrainerInstanceHeader)} from {TopicClient.Header(l, DeadLetterHeaders.SourcePartition)}@{TopicClient.Header(l, DeadLetterHeaders.SourceOffset)}")));
        Assert.Equal(invalid.Length, letters.Count);
        Assert.Equal(["bad0", "bad1", "bad2"], letters.Select(l => l.Message.Key).Order(StringComparer.Ordinal));
        Assert.All(letters, l => Assert.False(string.IsNullOrEmpty(TopicClient.Header(l, RetrainerWorker.RetrainerInstanceHeader))));
        Assert.All(letters, l => Assert.False(string.IsNullOrEmpty(TopicClient.Header(l, DeadLetterHeaders.Error))));

        // The leader stops: the other instance takes the lease over, and still holds every label.
        await hosts[leader].StopAsync();
        Assert.False(Leads(hosts[leader]));
        await WaitUntilAsync(() => Leads(hosts[follower]), "the other instance acquired the lease");
        Assert.True(hosts[follower].Services.GetRequiredService<RetrainerMetrics>().IsLeader);
        Assert.Equal(labels.Count, CountStored(follower));

        // A restart on the same database keeps its instance id (and so its group and offsets): nothing is stored twice.
        var id = hosts[leader].Services.GetRequiredService<RetrainerWorker>().InstanceId;
        using var again = Build(leader, topics, minLabels: 1000);
        await again.StartAsync();
        await WaitUntilAsync(() => again.Services.GetRequiredService<RetrainerWorker>().InstanceId is not null, "the restarted instance started");
        Assert.Equal(id, again.Services.GetRequiredService<RetrainerWorker>().InstanceId);
        Assert.Equal(labels.Count, CountStored(leader));
        Assert.True(Leads(hosts[follower]), "a returning instance does not take the lease from the holder (sticky assignment)");
        await again.StopAsync();
        await hosts[follower].StopAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {Timeout.TotalSeconds} s: {what}");
            await Task.Delay(200);
        }
    }
}
