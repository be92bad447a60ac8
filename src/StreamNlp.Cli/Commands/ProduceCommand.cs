using System.CommandLine;
using System.Text;
using Confluent.Kafka;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;

namespace StreamNlp.Cli.Commands;

/// <summary><c>streamnlp produce</c>: one message per text argument or per line of a file (JSON lines pass through unchanged).</summary>
internal static class ProduceCommand
{
    public static Command Create()
    {
        var bootstrap = CommonOptions.Bootstrap();
        var bootstrapFile = CommonOptions.BootstrapFile();
        var topic = CommonOptions.Topic("nlp.input");
        var file = new Option<string?>("--file", "-f") { Description = "Read one message per non-empty line of this file ('-' for stdin)." };
        var texts = new Argument<string[]>("text") { Description = "Texts to send, one message each.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("produce", "Send texts to an input topic.") { bootstrap, bootstrapFile, topic, file, texts };
        command.SetAction((parse, ct) => CommandRunner.Guard(async () =>
        {
            using var kafka = CliKafka.Load(parse.GetValue(bootstrap), parse.GetValue(bootstrapFile)!)!;
            return await ProduceAsync(kafka, parse.GetValue(topic)!, parse.GetValue(file), parse.GetValue(texts) ?? [], ct).ConfigureAwait(false);
        }));
        return command;
    }

    internal static ProducerConfig ProducerConfig(KafkaOptions kafka) =>
        KafkaClientConfigs.Producer(kafka, "cli-produce", config => config.LingerMs = 5);

    private static async Task<int> ProduceAsync(CliKafka kafka, string topic, string? file, string[] texts, CancellationToken ct)
    {
        if (file is null && texts.Length == 0)
        {
            throw new CliException("Nothing to send: give TEXT arguments or --file F.");
        }

        IEnumerable<string> messages = file switch
        {
            null => texts,
            "-" => ReadLines(Console.In),
            _ when File.Exists(file) => File.ReadLines(file),
            _ => throw new CliException($"--file {file}: no such file."),
        };

        using var producer = kafka.Producer<Null, byte[]>(ProducerConfig(kafka.Options));
        var count = 0;
        var failures = 0;
        foreach (var line in messages)
        {
            if (string.IsNullOrWhiteSpace(line) && file is not null)
            {
                continue;
            }

            ct.ThrowIfCancellationRequested();
            producer.Produce(topic, new Message<Null, byte[]> { Value = Encoding.UTF8.GetBytes(line.TrimEnd('\r')) }, report =>
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref failures);
                    Console.Error.WriteLine($"error: delivery failed: {report.Error.Reason}");
                }
            });
            count++;
        }

        var left = producer.Flush(TimeSpan.FromSeconds(30));
        if (left > 0 || failures > 0)
        {
            await Console.Error.WriteLineAsync($"error: {failures + left} of {count} messages were not delivered to {topic} at {kafka.BootstrapServers}.").ConfigureAwait(false);
            return 1;
        }

        await Console.Error.WriteLineAsync($"produced {count} message(s) to {topic}").ConfigureAwait(false);
        return 0;
    }

    private static IEnumerable<string> ReadLines(TextReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }
}
