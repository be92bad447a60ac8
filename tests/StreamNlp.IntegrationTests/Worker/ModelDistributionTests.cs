using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using StreamNlp.Core.Tasks;
using StreamNlp.IntegrationTests.Kafka;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Kafka.ModelUpdates;
using StreamNlp.Models.Configuration;
using StreamNlp.Models.Registry;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Worker;

/// <summary>
/// Models travel through Kafka, not a shared disk: workers with registries of their own learn a promotion from
/// the models topic alone, and a worker started later serves it too.
/// </summary>
[Collection("kafka")]
public sealed class ModelDistributionTests(KafkaBrokerFixture broker, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"model-distribution-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string RegistryOf(string worker) => Path.Combine(_root, worker);

    private Dictionary<string, string?> Settings(string worker) => new() { ["StreamNlp:Models:Directory"] = RegistryOf(worker) };

    private static string? ClassificationVersion(JsonElement record) => record.GetProperty("models").GetProperty("classification").GetString();

    [Fact]
    public async Task Promotion_ReachesWorkersWithTheirOwnRegistries_AndALaterWorker_NothingLostOrDuplicatedAcrossTheSwap()
    {
        output.WriteLine(broker.Describe());
        var topics = TestTopics.Fresh();
        await using var a = await WorkerTestHost.StartAsync(broker, topics, Settings("a"));
        await using var b = await WorkerTestHost.StartAsync(broker, topics, Settings("b"));

        var sent = new ConcurrentQueue<string>();
        using var stopSending = new CancellationTokenSource();
        var sender = SendAsync(topics.Input, "swap", sent, stopSending.Token);

        // A trainer elsewhere (its own disk) makes classification v2 and announces it.
        var trainer = ConfiguredRegistry.Open(new ModelOptions { Directory = RegistryOf("trainer") });
        var v1 = trainer.CurrentVersion(NlpTask.Classification)!;
        var v2 = trainer.NextVersion(NlpTask.Classification);
        var manifest = CopyAs(trainer, NlpTask.Classification, v1, v2);
        trainer.Promote(NlpTask.Classification, v2);
        await Task.Delay(1000); // some records on v1 first
        var kafka = new KafkaOptions { BootstrapServers = broker.BootstrapServers };
        await ModelUpdatePublisher.PublishAsync(
            kafka, ModelUpdateEvents.Create(trainer, NlpTask.Classification, manifest, v1, "promoted", DateTimeOffset.UtcNow),
            NullLogger.Instance, CancellationToken.None, topics.Models, ModelArtifact.Pack(trainer, NlpTask.Classification, v2), chunkBytes: 256 * 1024);

        // Both workers write it into their own registries and serve it: every partition, whichever worker owns
        // it, moves on to v2.
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline && !EveryPartitionServes(Records(topics, 1, settle: false), v2))
        {
            await Task.Delay(1000);
        }

        await Task.Delay(2000); // records on v2 from both
        await stopSending.CancelAsync();
        await sender;
        Assert.True(ModelRegistry.VerifyDirectory(new ModelRegistry(RegistryOf("a")).VersionDirectory(NlpTask.Classification, v2), NlpTask.Classification) is not null);
        Assert.True(ModelRegistry.VerifyDirectory(new ModelRegistry(RegistryOf("b")).VersionDirectory(NlpTask.Classification, v2), NlpTask.Classification) is not null);

        var records = Records(topics, sent.Count);
        var ids = records.Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Equal(sent.Count, ids.Count);                  // none lost, none duplicated
        Assert.Equal(sent.Order(), ids.Order());
        Assert.True(EveryPartitionServes(records, v2), "every partition's last record should name v2");
        Assert.Contains(records, r => ClassificationVersion(r) == v1);

        // A worker started afterwards, with an empty registry, reads the compacted topic and serves v2 as well.
        await a.StopAsync();
        await b.StopAsync();
        await using var c = await WorkerTestHost.StartAsync(broker, topics, Settings("c"));
        deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline && !Imported("c", v2))
        {
            await Task.Delay(500);
        }

        Assert.True(Imported("c", v2), "the later worker should import v2 from the models topic");
        await Task.Delay(500); // the listener asks for v2 right after writing it
        var later = new ConcurrentQueue<string>();
        using var stopLater = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await SendAsync(topics.Input, "later", later, stopLater.Token);
        var laterRecords = Records(topics, sent.Count + later.Count)
            .Where(r => r.GetProperty("id").GetString()!.StartsWith("later-", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(later.Order(), laterRecords.Select(r => r.GetProperty("id").GetString()!).Distinct().Order());
        Assert.All(laterRecords, r => Assert.Equal(v2, ClassificationVersion(r)));
        Assert.Equal(v2, new ModelRegistry(RegistryOf("c")).CurrentVersion(NlpTask.Classification)); // a restart of c serves v2 too
        output.WriteLine($"{records.Count} records across the swap, {laterRecords.Count} from the later worker");
    }

    [Fact]
    public async Task CorruptArtifact_IsRefused_AndTheServingHeadStays()
    {
        var topics = TestTopics.Fresh();
        await using var worker = await WorkerTestHost.StartAsync(broker, topics, Settings("d"));
        var trainer = ConfiguredRegistry.Open(new ModelOptions { Directory = RegistryOf("trainer-d") });
        var v1 = trainer.CurrentVersion(NlpTask.Classification)!;
        var next = trainer.NextVersion(NlpTask.Classification);
        var manifest = CopyAs(trainer, NlpTask.Classification, v1, next);
        var archive = ModelArtifact.Pack(trainer, NlpTask.Classification, next);
        var update = ModelUpdateEvents.Create(trainer, NlpTask.Classification, manifest, v1, "promoted", DateTimeOffset.UtcNow) with
        {
            Artifact = new StreamNlp.Core.Contracts.ModelArtifactReference
            {
                Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(archive)),
                Bytes = archive.Length,
                Chunks = 1,
            },
        };
        // Damaged on the way: the event's SHA-256 no longer matches. (One chunk of at most 512 KiB, under the broker's
        // message limit: the model's folder, replay set included, is larger than one message.)
        var corrupt = archive[..Math.Min(archive.Length, ModelArtifactChunks.DefaultChunkBytes)];
        corrupt[corrupt.Length / 2] ^= 0xFF;
        await TopicClient.ProduceAsync(broker.BootstrapServers, topics.Models,
        [
            (ModelArtifactChunks.Key("classification", next, 0), corrupt),
            ("classification", JsonSerializer.SerializeToUtf8Bytes(update, StreamNlp.Core.Contracts.ContractsJsonContext.Default.ModelUpdatedEvent)),
        ]);
        await Task.Delay(3000); // the listener has read both

        var sent = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await SendAsync(topics.Input, "after", sent, stop.Token);
        var records = Records(topics, sent.Count);

        Assert.Equal(sent.Order(), records.Select(r => r.GetProperty("id").GetString()!).Distinct().Order());
        Assert.All(records, r => Assert.Equal(v1, ClassificationVersion(r)));
        Assert.False(Imported("d", next));
        Assert.Equal(v1, new ModelRegistry(RegistryOf("d")).CurrentVersion(NlpTask.Classification));
    }

    /// <summary>The last record of each of the three input partitions names <paramref name="version"/>.</summary>
    private static bool EveryPartitionServes(List<JsonElement> records, string version)
    {
        var last = records
            .GroupBy(r => r.GetProperty("source").GetProperty("partition").GetInt32())
            .Select(g => g.MaxBy(r => r.GetProperty("source").GetProperty("offset").GetInt64()))
            .ToList();
        return last.Count == 3 && last.All(r => ClassificationVersion(r) == version);
    }

    private bool Imported(string worker, string version) =>
        File.Exists(Path.Combine(new ModelRegistry(RegistryOf(worker)).VersionDirectory(NlpTask.Classification, version), "manifest.json"));

    private List<JsonElement> Records(TestTopics topics, int expected, bool settle = true) =>
        [.. TopicClient.Read(broker.BootstrapServers, topics.Output, expected, settle ? Timeout : TimeSpan.FromSeconds(3), settle ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(1))
            .Select(r => JsonDocument.Parse(r.Message.Value!).RootElement)];

    private Task SendAsync(string topic, string prefix, ConcurrentQueue<string> sent, CancellationToken stop) => Task.Run(async () =>
    {
        for (var i = 0; !stop.IsCancellationRequested && i < 5000; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i}");
            var json = JsonSerializer.Serialize(new { id, text = $"Shares of the bank rose {i} percent after the merger was approved." });
            await TopicClient.ProduceAsync(broker.BootstrapServers, topic, [(id, System.Text.Encoding.UTF8.GetBytes(json))]); // keyed: spread over the partitions
            sent.Enqueue(id);
            await Task.Delay(20, CancellationToken.None);
        }
    });

    private static HeadManifest CopyAs(ModelRegistry registry, NlpTask task, string from, string to)
    {
        var source = registry.VersionDirectory(task, from);
        var target = registry.VersionDirectory(task, to);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        var manifest = ModelRegistry.ReadManifest(target) with { Version = to };
        return ModelRegistry.WriteManifest(target, manifest, manifest.Files.Keys);
    }
}
