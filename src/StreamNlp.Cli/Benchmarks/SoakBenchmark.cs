using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using StreamNlp.Cli.Commands;
using StreamNlp.Kafka.Embedded;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Kafka.Topics;
using Microsoft.Extensions.Logging.Abstractions;
using StreamNlp.Models.Configuration;
using StreamNlp.Worker.Configuration;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// <c>streamnlp bench soak</c>: the worker under steady load for a long time, on real text, through the
/// embedded broker, with the worker's resident set sampled every few seconds. It prints a line per sample
/// and says whether RSS stayed flat (within 10%) after warm-up. By default the worker is a process of its own
/// (<see cref="SoakWorkerProcess"/>, <c>streamnlp run</c>), so its RSS excludes the embedded broker, which keeps up to
/// 5 MiB of messages per partition; <c>--in-process</c> runs it inside the bench and samples the whole process.
/// </summary>
internal static class SoakBenchmark
{
    public static Command Create()
    {
        var minutes = new Option<double>("--minutes") { Description = "How long to run.", DefaultValueFactory = _ => 30 };
        var rate = new Option<double>("--rate") { Description = "Records offered per second (keep it below the machine's capacity: bench enrich measures it).", DefaultValueFactory = _ => 20 };
        var data = new Option<string?>("--data") { Description = "JSONL with a \"text\" field. Default: the shipped news sample." };
        var every = new Option<double>("--sample-seconds") { Description = "Seconds between RSS samples.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Also print the summary as one JSON line on stdout." };
        var inProcess = new Option<bool>("--in-process") { Description = "Run the worker inside the bench process and sample the whole process (broker and clients included) instead of a worker process of its own." };
        var command = new Command("soak", "Steady load for N minutes; RSS over time and whether it stays flat (within 10%) after warm-up.")
        {
            minutes, rate, data, every, json, inProcess,
        };
        command.SetAction((parse, ct) => CommandRunner.Guard(() => RunAsync(
            parse.GetValue(minutes), parse.GetValue(rate), parse.GetValue(data), parse.GetValue(every), parse.GetValue(json), parse.GetValue(inProcess), ct)));
        return command;
    }

    private static async Task<int> RunAsync(double minutes, double rate, string? dataPath, double sampleSeconds, bool json, bool inProcess, CancellationToken ct)
    {
        if (minutes is <= 0 or > 24 * 60 || double.IsNaN(minutes))
        {
            throw new CliException("--minutes must be between 0 and 1440.");
        }

        if (rate is <= 0 or > 100_000 || double.IsNaN(rate))
        {
            throw new CliException("--rate must be between 0 and 100000.");
        }

        if (sampleSeconds is < 1 or > 3600 || double.IsNaN(sampleSeconds))
        {
            throw new CliException("--sample-seconds must be between 1 and 3600.");
        }

        var texts = BenchTextFile.Load(dataPath ?? BenchTextFile.DefaultPath);
        var root = Path.Combine(Path.GetTempPath(), $"streamnlp-soak-{Guid.NewGuid():N}");
        using var embedded = EmbeddedKafkaCluster.Start();
        using var host = inProcess ? EnrichBenchmark.BuildHost(embedded, root, 64, new WorkerBatchLog()) : null;
        KafkaOptions kafka;
        if (host is not null)
        {
            await host.StartAsync(ct).ConfigureAwait(false);
            kafka = host.Services.GetRequiredService<IOptions<KafkaOptions>>().Value;
        }
        else
        {
            kafka = new KafkaOptions(); // the topic names `run` uses by default
            await TopicProvisioner.EnsureTopicsAsync(kafka, ServiceTopics.Enrichment(kafka), embedded, NullLogger.Instance, ct).ConfigureAwait(false);
        }

        using var worker = host is null ? SoakWorkerProcess.Start(embedded.BootstrapServers, root) : null;
        var input = kafka.EffectiveInputTopics[0];
        var duration = TimeSpan.FromMinutes(minutes);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        long enriched = 0;

        var drain = Task.Factory.StartNew(() =>
        {
            using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
            {
                BootstrapServers = embedded.BootstrapServers,
                GroupId = $"soak-{Guid.NewGuid():N}",
                AutoOffsetReset = AutoOffsetReset.Earliest,
                EnableAutoCommit = false,
                FetchWaitMaxMs = 50,
            }).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
            consumer.Subscribe(kafka.OutputTopic);
            while (!stop.IsCancellationRequested)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not null)
                {
                    Interlocked.Increment(ref enriched);
                }
            }

            consumer.Close();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var produce = Task.Run(async () =>
        {
            using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = embedded.BootstrapServers, LingerMs = 5 })
                .SetLogHandler((_, _) => { }).Build();
            var clock = Stopwatch.StartNew();
            for (long i = 0; !stop.IsCancellationRequested; i++)
            {
                var due = TimeSpan.FromSeconds(i / rate);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, stop.Token).ConfigureAwait(false);
                }

                producer.Produce(input, new Message<Null, byte[]> { Value = EnrichBenchmark.InputValue($"soak-{i}", texts[(int)(i % texts.Count)]) });
            }
        }, CancellationToken.None);

        var samples = new List<RssSample>();
        var started = Stopwatch.StartNew();
        await Console.Error.WriteLineAsync(worker is null
            ? $"soak: {minutes:0.#} min at {rate:0.#} records/s offered, RSS of this process (worker, embedded broker, clients) every {sampleSeconds:0.#} s"
            : $"soak: {minutes:0.#} min at {rate:0.#} records/s offered, RSS of the worker process {worker.Id} (streamnlp run --no-retrainer) every {sampleSeconds:0.#} s").ConfigureAwait(false);
        try
        {
            while (started.Elapsed < duration)
            {
                var wait = TimeSpan.FromSeconds(sampleSeconds);
                await Task.Delay(wait < duration - started.Elapsed ? wait : duration - started.Elapsed, ct).ConfigureAwait(false);
                using var process = Process.GetCurrentProcess();
                var sample = worker is null
                    ? new RssSample(started.Elapsed.TotalSeconds, Interlocked.Read(ref enriched), process.WorkingSet64, GC.GetTotalMemory(false))
                    : new RssSample(started.Elapsed.TotalSeconds, Interlocked.Read(ref enriched), worker.ResidentBytes(), ManagedBytes: -1) { BenchRssBytes = process.WorkingSet64 };
                samples.Add(sample);
                var line = worker is null
                    ? string.Create(CultureInfo.InvariantCulture, $"t={sample.Seconds,6:0} s  enriched={sample.Enriched,7}  rss={Mib(sample.RssBytes),6:0.0} MiB  managed={Mib(sample.ManagedBytes),6:0.0} MiB")
                    : string.Create(CultureInfo.InvariantCulture, $"t={sample.Seconds,6:0} s  enriched={sample.Enriched,7}  worker rss={Mib(sample.RssBytes),6:0.0} MiB  bench (broker, clients) rss={Mib(sample.BenchRssBytes),6:0.0} MiB");
                await Console.Error.WriteLineAsync(line).ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(drain, produce.ContinueWith(_ => { }, TaskScheduler.Default)).ConfigureAwait(false);
            if (host is not null)
            {
                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        var trend = RssTrend.Of(samples);
        var processed = samples.Count > 0 ? samples[^1].Enriched : 0;
        var throughput = samples.Count > 0 ? processed / samples[^1].Seconds : 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak: {processed} records enriched in {minutes:0.#} min ({throughput:0.0}/s; {rate:0.#}/s offered)"));
        if (trend is null)
        {
            Console.WriteLine("soak: too short for a trend (no sample after warm-up)");
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"soak: RSS after {trend.WarmupSeconds:0} s warm-up: min {Mib(trend.MinBytes):0.0} MiB, max {Mib(trend.MaxBytes):0.0} MiB, first {Mib(trend.FirstBytes):0.0}, last {Mib(trend.LastBytes):0.0}; spread {trend.Spread:P1} → {(trend.IsFlat ? "flat" : "NOT flat")} (limit {RssTrend.AllowedSpread:P0})"));
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                minutes,
                workerProcess = worker is not null,
                offeredPerSecond = rate,
                enriched = processed,
                enrichedPerSecond = throughput,
                warmupSeconds = trend?.WarmupSeconds,
                rssMinBytes = trend?.MinBytes,
                rssMaxBytes = trend?.MaxBytes,
                rssSpread = trend?.Spread,
                flat = trend?.IsFlat,
                samples = samples.Select(s => new { seconds = s.Seconds, enriched = s.Enriched, rssBytes = s.RssBytes, managedBytes = s.ManagedBytes, benchRssBytes = s.BenchRssBytes }),
            }));
        }

        return 0;
    }

    private static double Mib(long bytes) => bytes / (1024.0 * 1024.0);
}
