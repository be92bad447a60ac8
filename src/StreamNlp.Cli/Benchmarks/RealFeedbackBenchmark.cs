using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StreamNlp.Cli.Commands;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.Kafka.Embedded;
using StreamNlp.Retrainer.Hosting;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Training.Replay;
using StreamNlp.Worker.Hosting;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// <c>streamnlp bench feedback --data DIR</c>: for each task, N real labels (<see cref="RealFeedback"/>: airline reviews,
/// AG News rows, lower-cased CoNLL sentences) sent through the embedded broker to a default <c>streamnlp run</c> host
/// (no base-data flag: the shipped models' replay sets), timed from the moment the last label is acknowledged by
/// Kafka to the retrainer's promote/reject decision. The host starts first and its retrainer prepares the replay
/// sets' features (as a running service does long before labels arrive); that start-up is printed apart.
/// </summary>
internal static class RealFeedbackBenchmark
{
    public static async Task<int> RunAsync(string dataRoot, int count, CancellationToken ct)
    {
        var examples = new List<(NlpTask Task, string From, IReadOnlyList<FeedbackExample> Labels)>
        {
            (NlpTask.Sentiment, "airline reviews", Distinct(RealFeedback.Sentiment(dataRoot, "airline", count * 2, seed: 7), count)), // the review domain furthest from the shipped head
        };
        var shipped = new Models.Registry.ModelRegistry(Models.Registry.ConfiguredRegistry.ShippedModelsDirectory);
        HashSet<string> ReplayTexts(NlpTask task)
        {
            var version = shipped.CurrentVersion(task)!;
            var replay = ReplaySet.Load(shipped.VersionDirectory(task, version), shipped.Verify(task, version), task);
            return task == NlpTask.Ner
                ? (replay?.Sentences?.Train ?? []).Select(s => Training.Data.ConllReader.ToText(s).Text).ToHashSet(StringComparer.Ordinal)
                : (replay?.Texts?.Train ?? []).Select(t => t.Text).ToHashSet(StringComparer.Ordinal);
        }

        examples.Add((NlpTask.Classification, "AG News rows outside the replay set", Distinct(RealFeedback.Topic(dataRoot, count * 2, 7, ReplayTexts(NlpTask.Classification)), count)));
        examples.Add((NlpTask.Ner, "lower-cased CoNLL sentences", Distinct(RealFeedback.Ner(dataRoot, count * 2, 7, ReplayTexts(NlpTask.Ner)), count)));

        var root = Path.Combine(Path.GetTempPath(), $"streamnlp-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        using var embedded = EmbeddedKafkaCluster.Start();
        var database = Path.Combine(root, "feedback.db");
        var overrides = new Dictionary<string, string?>
        {
            ["StreamNlp:Models:Directory"] = Path.Combine(root, "models"),
            ["StreamNlp:Retrainer:DatabasePath"] = database,
            ["StreamNlp:Retrainer:MinLabels"] = count.ToString(CultureInfo.InvariantCulture),
            ["StreamNlp:Retrainer:CheckIntervalSeconds"] = "0.2",
            ["StreamNlp:Http:Port"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:StreamNlp.Retrainer"] = "Information",
        };
        foreach (var (key, value) in RunCommand.EmbeddedConsumerDefaults(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), embedded.BootstrapServers))
        {
            overrides[key] = value;
        }

        var startClock = Stopwatch.StartNew();
        var builder = RunCommand.CreateBuilder(overrides);
        builder.Services.AddSingleton(embedded);
        builder.AddEnrichmentWorker();
        builder.AddRetrainer();
        using var host = builder.Build();
        await host.StartAsync(ct).ConfigureAwait(false);
        var results = new List<string>();
        var failed = false;
        try
        {
            var kafka = CliKafka.From(host.Services);
            // Let the retrainer take its lease and encode the replay sets, as a service running before the labels would.
            var statistics = host.Services.GetRequiredService<RetrainerStatistics>();
            var warmDeadline = Stopwatch.StartNew();
            while (statistics.ReplaysPrepared < NlpTaskNames.All.Count && warmDeadline.Elapsed < TimeSpan.FromMinutes(10))
            {
                await Task.Delay(200, ct).ConfigureAwait(false);
            }

            var warmedIn = startClock.Elapsed.TotalSeconds;
            Console.WriteLine($"cores: {Environment.ProcessorCount}; labels per task: {count}; default settings (strategy Adapter, replay sets from the shipped models, no --base-data)");
            foreach (var (task, from, labels) in examples)
            {
                using var producer = kafka.Producer<Null, byte[]>(BenchCommand.WriterConfig(kafka.Options));
                foreach (var label in labels)
                {
                    producer.Produce(kafka.Options.FeedbackTopic, new Message<Null, byte[]> { Value = FeedbackJson.Serialize(label) });
                }

                producer.Flush(TimeSpan.FromSeconds(60));
                var lastLabel = Stopwatch.StartNew();
                var run = WaitForDecision(database, task, TimeSpan.FromMinutes(10), ct);
                var seconds = lastLabel.Elapsed.TotalSeconds;
                if (run is null)
                {
                    results.Add($"{task.ToName(),-14} {labels.Count} {from}: no decision within 10 minutes");
                    failed = true;
                    continue;
                }

                results.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{task.ToName(),-14} {labels.Count} {from}: {run.Decision} {run.ChallengerVersion} after {seconds:0.0} s from the last label (round {(run.FinishedAt - run.StartedAt).TotalSeconds:0.0} s; goal ≤ 60 s); {run.Reason}"));
                Console.WriteLine(results[^1]);
            }

            Console.WriteLine($"(host start until the replay sets were in the feature cache: {warmedIn:0.0} s; a cold cache encodes them once per encoder)");
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return failed ? 1 : 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }

    private static IReadOnlyList<FeedbackExample> Distinct(IReadOnlyList<FeedbackExample> labels, int count) =>
        [.. labels.DistinctBy(l => l.Text, StringComparer.Ordinal).Take(count)];

    private static RetrainRun? WaitForDecision(string database, NlpTask task, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !ct.IsCancellationRequested)
        {
            if (File.Exists(database))
            {
                using var store = new FeedbackStore(database);
                if (store.Runs(task, 1).FirstOrDefault() is { } run)
                {
                    return run;
                }
            }

            Thread.Sleep(200);
        }

        return null;
    }
}
