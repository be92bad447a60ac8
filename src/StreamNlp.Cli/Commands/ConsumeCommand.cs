using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;

namespace StreamNlp.Cli.Commands;

/// <summary><c>streamnlp consume</c>: prints records of a topic, one per line, from the beginning.</summary>
internal static class ConsumeCommand
{
    public static Command Create()
    {
        var bootstrap = CommonOptions.Bootstrap();
        var bootstrapFile = CommonOptions.BootstrapFile();
        var topic = CommonOptions.Topic("nlp.enriched");
        var count = new Option<int?>("--count", "-n") { Description = "Stop after this many records." };
        var timeout = new Option<double>("--timeout-s") { Description = "Stop after this many seconds.", DefaultValueFactory = _ => 30 };
        var headers = new Option<bool>("--headers")
        {
            Description = "Print each record as {\"key\",\"headers\",\"value\"} (to read dead-letter reasons).",
        };
        var command = new Command("consume", "Print records from a topic (enriched results by default), one JSON record per line.")
        {
            bootstrap, bootstrapFile, topic, count, timeout, headers,
        };
        command.SetAction((parse, ct) => CommandRunner.Guard(async () =>
        {
            using var kafka = CliKafka.Load(parse.GetValue(bootstrap), parse.GetValue(bootstrapFile)!)!;
            return await ConsumeAsync(kafka, parse.GetValue(topic)!, parse.GetValue(count), parse.GetValue(timeout), parse.GetValue(headers), ct).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>A throw-away group that reads from the beginning and commits nothing.</summary>
    internal static ConsumerConfig ConsumerConfig(KafkaOptions kafka) =>
        KafkaClientConfigs.Consumer(kafka, $"streamnlp-cli-{Guid.NewGuid():N}", "cli-consume", config => config.EnableAutoCommit = false);

    private static async Task<int> ConsumeAsync(CliKafka kafka, string topic, int? count, double timeoutSeconds, bool withHeaders, CancellationToken ct)
    {
        using var consumer = kafka.Consumer<byte[]?, byte[]?>(ConsumerConfig(kafka.Options));
        consumer.Subscribe(topic);
        var deadline = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(timeoutSeconds);
        var seen = 0;
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
        while ((count is null || seen < count) && deadline.Elapsed < limit && !ct.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(Math.Min(500, Math.Max(1, (limit - deadline.Elapsed).TotalMilliseconds))));
            if (result?.Message is null)
            {
                await stdout.FlushAsync(ct).ConfigureAwait(false);
                continue;
            }

            seen++;
            await stdout.WriteLineAsync(withHeaders ? WithHeaders(result.Message) : Encoding.UTF8.GetString(result.Message.Value ?? [])).ConfigureAwait(false);
        }

        await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        consumer.Close();
        if (count is { } wanted && seen < wanted)
        {
            await Console.Error.WriteLineAsync($"timed out after {timeoutSeconds:0.#} s with {seen} of {wanted} records from {topic}").ConfigureAwait(false);
            return 1;
        }

        return 0;
    }

    private static string WithHeaders(Message<byte[]?, byte[]?> message)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("key", message.Key is null ? null : Encoding.UTF8.GetString(message.Key));
            json.WriteStartObject("headers");
            foreach (var header in message.Headers ?? [])
            {
                json.WriteString(header.Key, Encoding.UTF8.GetString(header.GetValueBytes()));
            }

            json.WriteEndObject();
            json.WriteString("value", Encoding.UTF8.GetString(message.Value ?? []));
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
