using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Kafka.Embedded;
using StreamNlp.Kafka.Topics;
using StreamNlp.Retrainer.Configuration;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// <c>streamnlp broker</c>: only the embedded broker (librdkafka's mock cluster), with StreamNlp's topics created at
/// their partition counts (a compacted single-partition <c>nlp.models</c>, the single-partition lease topic), for
/// several <c>run</c> / <c>retrainer</c> processes to share with <c>--bootstrap</c>, as they would share a real
/// cluster. A mock cluster answers no admin requests from other processes, so those processes run with
/// <c>StreamNlp:Kafka:CreateTopics=false</c>. Data lives in this process's memory and ends with it.
/// </summary>
internal static class BrokerCommand
{
    public static Command Create()
    {
        var brokers = new Option<int>("--brokers") { Description = "Brokers in the mock cluster (1–16).", DefaultValueFactory = _ => 1 };
        var bootstrapFile = CommonOptions.BootstrapFile();
        var command = new Command("broker", "Run only the embedded Kafka broker, with StreamNlp's topics, for several run/retrainer processes to share (--bootstrap; they set StreamNlp__Kafka__CreateTopics=false).")
        {
            brokers, bootstrapFile,
        };
        command.SetAction((parse, ct) => CommandRunner.Guard(async () =>
        {
            var count = parse.GetValue(brokers);
            if (count is < 1 or > 16)
            {
                throw new CliException("--brokers must be between 1 and 16.");
            }

            using var embedded = EmbeddedKafkaCluster.Start(count);
            var kafka = new KafkaOptions { BootstrapServers = embedded.BootstrapServers };
            var topics = ServiceTopics.Enrichment(kafka).Concat(ServiceTopics.Retrainer(kafka, new RetrainerOptions().LeaseTopic))
                .DistinctBy(t => t.Name, StringComparer.Ordinal).ToList();
            await TopicProvisioner.EnsureTopicsAsync(kafka, topics, embedded, NullLogger.Instance, ct).ConfigureAwait(false);
            Console.WriteLine($"bootstrap={embedded.BootstrapServers}");
            Console.WriteLine($"topics: {string.Join(", ", topics.Select(t => $"{t.Name} ({t.Partitions})"))}");
            BootstrapFileStore.Write(parse.GetValue(bootstrapFile)!, embedded.BootstrapServers);
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM
            }

            return 0;
        }));
        return command;
    }
}
