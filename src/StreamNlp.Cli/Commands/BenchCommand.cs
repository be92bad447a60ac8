using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StreamNlp.Cli.Benchmarks;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Kafka.Embedded;
using StreamNlp.Retrainer.Benchmarks;
using StreamNlp.Retrainer.Hosting;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Worker.Hosting;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// <c>streamnlp bench</c>. <c>enrich</c> lives in <see cref="EnrichBenchmark"/>.
/// <c>streamnlp bench feedback</c>: how long N feedback labels take to become a promoted model on this
/// machine, end to end over Kafka: labels produced → stored → retrain triggered → challenger trained,
/// exported, scored against the champion → promoted → model-updated event received.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var labels = new Option<int>("--labels") { Description = "Feedback labels to send.", DefaultValueFactory = _ => 1000 };
        var baseData = new Option<string?>("--base-data") { Description = "Base data folder (like ../shared/data); default: a small synthetic base set." };
        var realData = new Option<string?>("--data") { Description = "The shared data folder: time N real labels per task (airline reviews, AG News, lower-cased CoNLL) from the last label to the retrainer's decision, with default settings." };
        var feedback = new Command("feedback", "Time N feedback labels becoming a retrainer decision: real labels for every task with --data, else a new 'cooking' topic (synthetic).") { labels, baseData, realData };
        feedback.SetAction((parse, ct) => CommandRunner.Guard(() => parse.GetValue(realData) is { } real
            ? RealFeedbackBenchmark.RunAsync(real, parse.GetValue(labels), ct)
            : FeedbackAsync(parse.GetValue(labels), parse.GetValue(baseData), ct)));
        var data = new Option<string?>("--data") { Description = "JSONL file with a \"text\" per line (real text). Default: the shipped sample of 500 AG News texts." };
        var messages = new Option<int>("--messages") { Description = "Texts to send (the file is cycled when it has fewer rows).", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch-size") { Description = "StreamNlp:Batching:MaxBatchSize, and the in-process pass's batch size.", DefaultValueFactory = _ => 64 };
        var latencySeconds = new Option<double>("--latency-seconds") { Description = "Seconds of paced load at each of 25/50/75% of the measured peak; 0 skips them.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON line instead of readable lines." };
        var enrich = new Command("enrich", "Encoder-only throughput, end-to-end throughput through the embedded broker and the worker, their ratio, latency at 25/50/75% load, padding waste, stage times and peak RSS, on real text in one run.")
        {
            data, messages, batch, latencySeconds, json,
        };
        enrich.SetAction((parse, ct) => CommandRunner.Guard(() => EnrichBenchmark.RunAsync(
            new EnrichBenchOptions(parse.GetValue(data), parse.GetValue(messages), parse.GetValue(batch), parse.GetValue(latencySeconds), parse.GetValue(json)), ct)));
        return new Command("bench", "Benchmarks that print their figures.") { feedback, enrich, Benchmarks.SoakBenchmark.Create(), BenchEncoderCommand.Create(), Benchmarks.FeedbackStrategyBenchmark.Create(), Benchmarks.QualityBenchmark.Create() };
    }

    private static async Task<int> FeedbackAsync(int count, string? baseData, CancellationToken ct)
    {
        if (count < 50)
        {
            throw new CliException("--labels must be at least 50 (a fifth is held out to judge the challenger).");
        }

        var root = Path.Combine(Path.GetTempPath(), $"streamnlp-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        using var embedded = EmbeddedKafkaCluster.Start();
        var overrides = new Dictionary<string, string?>
        {
            ["StreamNlp:Models:Directory"] = Path.Combine(root, "models"),
            ["StreamNlp:Retrainer:DatabasePath"] = Path.Combine(root, "feedback.db"),
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

        if (baseData is not null)
        {
            overrides["StreamNlp:Retrainer:BaseDataDirectory"] = Path.GetFullPath(baseData);
        }
        else
        {
            overrides["StreamNlp:Retrainer:BaseData:classification:Train"] = SyntheticTexts.WriteJsonl(Path.Combine(root, "base-train.jsonl"), SyntheticTexts.Topics(50, seed: 1));
            overrides["StreamNlp:Retrainer:BaseData:classification:Dev"] = SyntheticTexts.WriteJsonl(Path.Combine(root, "base-dev.jsonl"), SyntheticTexts.Topics(20, seed: 2));
        }

        var builder = RunCommand.CreateBuilder(overrides);
        builder.Services.AddSingleton(embedded);
        builder.AddEnrichmentWorker();
        builder.AddRetrainer();
        using var host = builder.Build();
        await host.StartAsync(ct).ConfigureAwait(false);
        try
        {
            var kafka = CliKafka.From(host.Services);
            var texts = SyntheticTexts.Cooking(count, seed: 42);
            var clock = Stopwatch.StartNew();
            using (var producer = kafka.Producer<Null, byte[]>(WriterConfig(kafka.Options)))
            {
                foreach (var text in texts)
                {
                    producer.Produce(kafka.Options.FeedbackTopic, new Message<Null, byte[]>
                    {
                        Value = FeedbackJson.Serialize(new FeedbackExample(NlpTask.Classification, text, "cooking", Source: "bench")),
                    });
                }

                producer.Flush(TimeSpan.FromSeconds(30));
            }

            var produced = clock.Elapsed;
            var update = WaitForModelUpdate(kafka, TimeSpan.FromMinutes(10), ct);
            var total = clock.Elapsed;
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);

            using var store = new FeedbackStore(Path.Combine(root, "feedback.db"));
            var run = store.Runs(NlpTask.Classification, 1).FirstOrDefault();
            Console.WriteLine($"labels: {count} (new topic 'cooking'); base data: {baseData ?? "synthetic, 200 train / 80 dev"}; cores: {Environment.ProcessorCount}");
            if (update is null)
            {
                Console.WriteLine($"no model was promoted within the time limit; last decision: {run?.Decision ?? "none"} {run?.Reason}");
                return 1;
            }

            Console.WriteLine($"produced in {produced.TotalSeconds:0.00} s; retrain took {(run is null ? double.NaN : (run.FinishedAt - run.StartedAt).TotalSeconds):0.00} s; decision: {run?.Decision} ({run?.Reason})");
            Console.WriteLine($"feedback → promoted classification {update}: {total.TotalSeconds:0.00} s (goal: under 60 s)");
            return 0;
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

    /// <summary>The bench's reader: a throw-away group from the beginning, committing nothing.</summary>
    internal static ConsumerConfig ReaderConfig(KafkaOptions kafka) =>
        KafkaClientConfigs.Consumer(kafka, $"bench-{Guid.NewGuid():N}", "cli-bench", config => config.EnableAutoCommit = false);

    internal static ProducerConfig WriterConfig(KafkaOptions kafka) =>
        KafkaClientConfigs.Producer(kafka, "cli-bench", config => config.LingerMs = 5);

    private static string? WaitForModelUpdate(CliKafka kafka, TimeSpan timeout, CancellationToken ct)
    {
        using var consumer = kafka.Consumer<string?, byte[]?>(ReaderConfig(kafka.Options));
        consumer.Subscribe(kafka.Options.ModelsTopic);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !ct.IsCancellationRequested)
        {
            ConsumeResult<string?, byte[]?>? result;
            try
            {
                result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            }
            catch (ConsumeException)
            {
                continue;
            }

            if (result?.Message?.Value is { } value)
            {
                using var json = JsonDocument.Parse(value);
                return json.RootElement.GetProperty("version").GetString();
            }
        }

        return null;
    }
}
