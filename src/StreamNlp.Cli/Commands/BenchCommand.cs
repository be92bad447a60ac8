using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.Kafka.Embedded;
using StreamNlp.Retrainer.Benchmarks;
using StreamNlp.Retrainer.Hosting;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Worker.Hosting;

namespace StreamNlp.Cli.Commands;

/// <summary>
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
        var feedback = new Command("feedback", "Time N feedback labels (a new 'cooking' topic) becoming a promoted classification model.") { labels, baseData };
        feedback.SetAction((parse, ct) => CommandRunner.Guard(() => FeedbackAsync(parse.GetValue(labels), parse.GetValue(baseData), ct)));
        var messages = new Option<int>("--messages") { Description = "Texts to enrich.", DefaultValueFactory = _ => 2000 };
        var batch = new Option<int>("--batch-size") { Description = "StreamNlp:Batching:MaxBatchSize.", DefaultValueFactory = _ => 64 };
        var enrich = new Command("enrich", "Time N texts through the embedded broker and the worker: records/s end to end.") { messages, batch };
        enrich.SetAction((parse, ct) => CommandRunner.Guard(() => EnrichAsync(parse.GetValue(messages), parse.GetValue(batch), ct)));
        return new Command("bench", "Benchmarks that print their figures.") { feedback, enrich, BenchEncoderCommand.Create() };
    }

    private static async Task<int> EnrichAsync(int count, int batchSize, CancellationToken ct)
    {
        var root = Path.Combine(Path.GetTempPath(), $"streamnlp-bench-{Guid.NewGuid():N}");
        using var embedded = EmbeddedKafkaCluster.Start();
        var overrides = new Dictionary<string, string?>
        {
            ["StreamNlp:Models:Directory"] = Path.Combine(root, "models"),
            ["StreamNlp:Retrainer:Enabled"] = "false",
            ["StreamNlp:Batching:MaxBatchSize"] = batchSize.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in RunCommand.EmbeddedConsumerDefaults(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), embedded.BootstrapServers))
        {
            overrides[key] = value;
        }

        var builder = RunCommand.CreateBuilder(overrides);
        builder.Services.AddSingleton(embedded);
        builder.AddEnrichmentWorker();
        using var host = builder.Build();
        await host.StartAsync(ct).ConfigureAwait(false);
        try
        {
            // Realistic news-like sentences (~30 word pieces each), all different.
            var texts = SyntheticTexts.Topics((count + 3) / 4, seed: 3).Select(t => t.Text).Take(count).ToList();
            var tokens = texts.Average(t => t.Split(' ').Length);
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
            {
                BootstrapServers = embedded.BootstrapServers,
                GroupId = $"bench-{Guid.NewGuid():N}",
                AutoOffsetReset = AutoOffsetReset.Earliest,
                EnableAutoCommit = false,
            }).SetErrorHandler((_, _) => { }).Build();
            consumer.Subscribe("nlp.enriched");
            var clock = Stopwatch.StartNew();
            using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = embedded.BootstrapServers, LingerMs = 5 }).Build())
            {
                foreach (var text in texts)
                {
                    producer.Produce("nlp.input", new Message<Null, byte[]> { Value = System.Text.Encoding.UTF8.GetBytes(text) });
                }

                producer.Flush(TimeSpan.FromSeconds(30));
            }

            var received = 0;
            var latencies = new List<double>(count);
            while (received < count && clock.Elapsed < TimeSpan.FromMinutes(10) && !ct.IsCancellationRequested)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
                if (result?.Message?.Value is { } value)
                {
                    received++;
                    using var json = JsonDocument.Parse(value);
                    latencies.Add(json.RootElement.GetProperty("processingMs").GetDouble());
                }
            }

            var elapsed = clock.Elapsed;
            consumer.Close();
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            latencies.Sort();
            Console.WriteLine($"texts: {received}/{count} (~{tokens:0} words each); batch size {batchSize}; cores: {Environment.ProcessorCount}; provider: CPU unless CUDA loaded");
            Console.WriteLine($"end to end: {elapsed.TotalSeconds:0.00} s = {received / elapsed.TotalSeconds:0} records/s " +
                $"(one encoder run + 3 heads per batch); processingMs p50 {Percentile(latencies, 0.5):0} p99 {Percentile(latencies, 0.99):0}");
            return received == count ? 0 : 1;
        }
        finally
        {
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

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

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
            var texts = SyntheticTexts.Cooking(count, seed: 42);
            var clock = Stopwatch.StartNew();
            using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = embedded.BootstrapServers, LingerMs = 5 }).Build())
            {
                foreach (var text in texts)
                {
                    producer.Produce("nlp.feedback", new Message<Null, byte[]>
                    {
                        Value = FeedbackJson.Serialize(new FeedbackExample(NlpTask.Classification, text, "cooking", Source: "bench")),
                    });
                }

                producer.Flush(TimeSpan.FromSeconds(30));
            }

            var produced = clock.Elapsed;
            var update = WaitForModelUpdate(embedded.BootstrapServers, TimeSpan.FromMinutes(10), ct);
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

    private static string? WaitForModelUpdate(string bootstrap, TimeSpan timeout, CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<string?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"bench-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).SetErrorHandler((_, _) => { }).Build();
        consumer.Subscribe("nlp.models");
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
