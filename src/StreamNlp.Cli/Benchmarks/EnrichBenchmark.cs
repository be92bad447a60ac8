using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamNlp.Cli.Commands;
using StreamNlp.Kafka.Embedded;
using StreamNlp.Models.Inference;
using StreamNlp.Worker.Batching;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Models.Configuration;
using StreamNlp.Worker.Configuration;
using StreamNlp.Worker.Hosting;
using StreamNlp.Worker.Inference;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// <c>streamnlp bench enrich</c>: the pipeline measured against the encoder's own limit, on real text, in one
/// process. One host runs the embedded broker and the worker; the bench borrows the worker's model bundle for
/// an in-process pass over the same texts (the ceiling), then sends them as a backlog through Kafka (the
/// pipeline), then offers paced load at 25/50/75% of the measured peak (latency). Running both halves in one
/// process, one after the other, is what makes their ratio comparable on a noisy machine.
/// </summary>
internal static class EnrichBenchmark
{
    private static readonly double[] LoadFractions = [0.25, 0.50, 0.75];

    public static async Task<int> RunAsync(EnrichBenchOptions options, CancellationToken ct)
    {
        if (options.Messages < 1)
        {
            throw new CliException("--messages must be at least 1.");
        }

        if (options.BatchSize is < 1 or > 4096)
        {
            throw new CliException("--batch-size must be between 1 and 4096.");
        }

        if (options.LatencySeconds is < 0 or > 600 || double.IsNaN(options.LatencySeconds))
        {
            throw new CliException("--latency-seconds must be between 0 and 600.");
        }

        var path = options.DataPath ?? BenchTextFile.DefaultPath;
        var rows = BenchTextFile.Load(path);
        var dataLabel = options.DataPath is null ? "shipped sample Benchmarks/news-sample.jsonl (AG News dev, first 500 rows)" : Path.GetFullPath(path);
        var backlog = BenchTextFile.Cycle(rows, 0, options.Messages);

        var root = Path.Combine(Path.GetTempPath(), $"streamnlp-bench-{Guid.NewGuid():N}");
        using var embedded = EmbeddedKafkaCluster.Start();
        var batchLog = new WorkerBatchLog();
        using var host = BuildHost(embedded, root, options.BatchSize, batchLog);
        await host.StartAsync(ct).ConfigureAwait(false);
        try
        {
            var bundle = host.Services.GetRequiredService<IModelBundleProvider>().Current;
            var kafka = host.Services.GetRequiredService<IOptions<KafkaOptions>>().Value;
            var models = host.Services.GetRequiredService<IOptions<ModelOptions>>().Value;
            var batching = host.Services.GetRequiredService<IOptions<BatchingOptions>>().Value;
            var policy = new BatchPolicy(batching.MaxBatchSize, TimeSpan.FromMilliseconds(batching.MaxWaitMs), batching.MaxBatchTokens);
            using var collector = new EnrichedCollector(embedded.BootstrapServers, kafka.OutputTopic);
            using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = embedded.BootstrapServers, LingerMs = 5 }).Build();
            var input = kafka.EffectiveInputTopics.First();
            var complete = true;

            Progress("waiting for the worker to join its group and enrich a first record");
            var warm = Produce(producer, input, "warm", rows.Take(1).ToList());
            if ((await collector.WaitForAsync(warm, TimeSpan.FromSeconds(60), ct).ConfigureAwait(false)).Count == 0)
            {
                throw new CliException("the worker enriched nothing within 60 s of start; see its log on stderr.");
            }

            Progress($"in-process pass: {backlog.Count} texts, encoder only and encoder + heads");
            var grouping = batching.LengthWindow > 1 ? new LengthGrouping(policy, batching.MaxPaddingWaste) : null;
            var encoderPass = EncoderPass.Run(bundle, backlog, policy, grouping, Math.Max(batching.LengthWindow, batching.MaxBatchSize), models.MaxTokens);

            Progress($"end to end: {backlog.Count} texts as a backlog");
            var backlogStarted = DateTimeOffset.UtcNow;
            var ids = Produce(producer, input, "e", backlog);
            var received = await collector.WaitForAsync(ids, TimeSpan.FromSeconds(60 + (backlog.Count / 5.0)), ct).ConfigureAwait(false);
            complete &= received.Count == ids.Count;
            var batches = WorkerBatches.Group(received);
            var endToEnd = EndToEndResult.From(ids.Count, batches);
            var workerPadding = WorkerPadding(bundle, models.MaxTokens, batches);
            var stages = WorkerStageTimes.From(batchLog.Entries, backlogStarted);
            Progress($"in-process pass again, after the end-to-end run: {backlog.Count} texts");
            var encoderPassAfter = EncoderPass.Run(bundle, backlog, policy, grouping, Math.Max(batching.LengthWindow, batching.MaxBatchSize), models.MaxTokens);

            var latency = new List<LatencyLevelResult>();
            var next = backlog.Count;
            if (options.LatencySeconds > 0 && double.IsFinite(endToEnd.RecordsPerSecond) && endToEnd.RecordsPerSecond > 0)
            {
                foreach (var fraction in LoadFractions)
                {
                    var rate = fraction * endToEnd.RecordsPerSecond;
                    var count = Math.Max(1, (int)Math.Round(rate * options.LatencySeconds));
                    Progress($"latency at {fraction * 100:0}% of peak: {rate:0.0}/s for {count} messages");
                    var texts = BenchTextFile.Cycle(rows, next, count);
                    next += count;
                    var (levelIds, achieved) = await ProducePacedAsync(producer, input, $"l{fraction * 100:0}", texts, rate, ct).ConfigureAwait(false);
                    var levelRecords = await collector.WaitForAsync(levelIds, TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
                    complete &= levelRecords.Count == levelIds.Count;
                    latency.Add(new LatencyLevelResult(fraction, rate, achieved, levelIds.Count, Percentiles.Summarize(levelRecords.Select(r => r.LatencyMs))));
                }
            }

            var report = new EnrichBenchReport
            {
                Data = dataLabel,
                Rows = rows.Count,
                Messages = backlog.Count,
                BatchSize = options.BatchSize,
                MaxBatchTokens = batching.MaxBatchTokens,
                MaxTokens = models.MaxTokens,
                MeanTokens = (double)encoderPass.Padding.RealTokens / encoderPass.Texts,
                Cores = Environment.ProcessorCount,
                Provider = bundle.Provider,
                IntraOpThreads = models.IntraOpThreads,
                EncoderPrecision = bundle.Encoder.Files.Descriptor.Precision.ToString(),
                HeadPrecision = bundle.Heads.Values.Any(h => h.Quantization is not null) ? "int8" : "fp32",
                WorkerFetchWaitMaxMs = $"{EnrichmentClientConfigs.Consumer(kafka).FetchWaitMaxMs}",
                Encoder = EncoderPassResult.Combine(encoderPass, encoderPassAfter),
                EncoderOnlyPasses = [encoderPass.EncoderOnlyPerSecond, encoderPassAfter.EncoderOnlyPerSecond],
                EndToEnd = endToEnd,
                LatencySeconds = options.LatencySeconds,
                Latency = latency,
                WorkerPadding = workerPadding,
                Stages = stages,
                PeakRssBytes = PeakRss(),
            };
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            if (options.Json)
            {
                Console.WriteLine(report.ToJsonLine());
            }
            else
            {
                report.WriteText(Console.Out);
            }

            if (!complete)
            {
                await Console.Error.WriteLineAsync("error: some records did not come back in time; the figures above cover those that did.").ConfigureAwait(false);
            }

            return complete ? 0 : 1;
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

    /// <summary>
    /// The same host as <c>streamnlp run</c> on the embedded broker (worker only), with the batch size under
    /// test, and the worker's per-batch Debug event routed to <paramref name="batchLog"/> only.
    /// </summary>
    internal static IHost BuildHost(EmbeddedKafkaCluster embedded, string root, int batchSize, WorkerBatchLog batchLog)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["StreamNlp:Models:Directory"] = Path.Combine(root, "models"),
            ["StreamNlp:Retrainer:Enabled"] = "false",
            ["StreamNlp:Http:Port"] = "0",
            ["StreamNlp:Batching:MaxBatchSize"] = batchSize.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in RunCommand.EmbeddedConsumerDefaults(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), embedded.BootstrapServers))
        {
            overrides[key] = value;
        }

        var builder = RunCommand.CreateBuilder(overrides);
        builder.Logging.AddProvider(batchLog);
        builder.Logging.AddFilter<WorkerBatchLog>(WorkerBatchLog.Category, LogLevel.Debug);
        builder.Services.AddSingleton(embedded);
        builder.AddEnrichmentWorker();
        return builder.Build();
    }

    /// <summary>Padding of the batches the worker formed, re-tokenizing each record's text exactly as the worker did.</summary>
    private static PaddingTally? WorkerPadding(ModelBundle bundle, int maxTokens, IReadOnlyList<IReadOnlyList<EnrichedSample>> batches)
    {
        if (batches.Count == 0)
        {
            return null;
        }

        var tally = new PaddingTally();
        foreach (var batch in batches)
        {
            tally.Add([.. batch.Select(r => bundle.Tokenize(r.Text, maxTokens).Length)]);
        }

        return tally;
    }

    /// <summary>Produces every text at once (a backlog) as <c>{"id","text"}</c>; returns the ids.</summary>
    private static List<string> Produce(IProducer<Null, byte[]> producer, string topic, string prefix, IReadOnlyList<string> texts)
    {
        var ids = new List<string>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var id = $"{prefix}-{i}";
            ids.Add(id);
            producer.Produce(topic, new Message<Null, byte[]> { Value = InputValue(id, texts[i]) });
        }

        producer.Flush(TimeSpan.FromSeconds(30));
        return ids;
    }

    /// <summary>
    /// Produces one text every 1/<paramref name="rate"/> s on a fixed schedule (a late send does not push
    /// the later ones back), so the offered load is the rate asked for; returns the ids and the rate reached.
    /// </summary>
    private static async Task<(List<string> Ids, double Achieved)> ProducePacedAsync(
        IProducer<Null, byte[]> producer, string topic, string prefix, IReadOnlyList<string> texts, double rate, CancellationToken ct)
    {
        var ids = new List<string>(texts.Count);
        var clock = Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        for (var i = 0; i < texts.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, ct).ConfigureAwait(false);
            }

            var id = $"{prefix}-{i}";
            ids.Add(id);
            producer.Produce(topic, new Message<Null, byte[]> { Value = InputValue(id, texts[i]) });
            last = clock.Elapsed;
        }

        producer.Flush(TimeSpan.FromSeconds(30));
        var achieved = texts.Count > 1 && last > TimeSpan.Zero ? (texts.Count - 1) / last.TotalSeconds : rate;
        return (ids, achieved);
    }

    internal static byte[] InputValue(string id, string text)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("text", text);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The process's peak resident set (VmHWM on Linux, which <see cref="Process.PeakWorkingSet64"/> reads there).</summary>
    private static long PeakRss()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.PeakWorkingSet64;
    }

    private static void Progress(string message) => Console.Error.WriteLine($"bench: {message}");
}
