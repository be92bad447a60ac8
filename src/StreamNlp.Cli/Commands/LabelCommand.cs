using System.CommandLine;
using System.Text.Json;
using Confluent.Kafka;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Core.Contracts;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Retrainer.Labeling;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// <c>streamnlp label</c>: a terminal labelling loop over the review queue. Each answer becomes
/// feedback on the feedback topic; an item's offset is committed once its answer is delivered (or it
/// is skipped), so labellers sharing the group never see the same item twice.
/// </summary>
internal static class LabelCommand
{
    public static Command Create()
    {
        var bootstrap = CommonOptions.Bootstrap();
        var bootstrapFile = CommonOptions.BootstrapFile();
        var review = new Option<string>("--review-topic") { DefaultValueFactory = _ => "nlp.review" };
        var feedback = new Option<string>("--feedback-topic") { DefaultValueFactory = _ => "nlp.feedback" };
        var group = new Option<string>("--group") { Description = "Consumer group of the labellers.", DefaultValueFactory = _ => "streamnlp-labelers" };
        var source = new Option<string>("--source") { Description = "Who labels (recorded with the feedback).", DefaultValueFactory = _ => Environment.UserName };
        var idle = new Option<double>("--idle-timeout-s") { Description = "Stop when the queue stays empty this long.", DefaultValueFactory = _ => 30 };
        var command = new Command("label", "Review low-confidence results and send corrections as feedback.")
        {
            bootstrap, bootstrapFile, review, feedback, group, source, idle,
        };
        command.SetAction((parse, ct) => CommandRunner.Guard(() =>
        {
            using var kafka = CliKafka.Load(parse.GetValue(bootstrap), parse.GetValue(bootstrapFile)!)!;
            return Task.FromResult(Label(kafka, parse.GetValue(review)!, parse.GetValue(feedback)!, parse.GetValue(group)!, parse.GetValue(source)!, parse.GetValue(idle), ct));
        }));
        return command;
    }

    /// <summary>The labellers' group; an item is committed by hand once its answer is delivered or it is skipped.</summary>
    internal static ConsumerConfig ReviewConsumerConfig(KafkaOptions kafka, string group) =>
        KafkaClientConfigs.Consumer(kafka, group, "cli-label", config => config.EnableAutoCommit = false);

    internal static ProducerConfig FeedbackProducerConfig(KafkaOptions kafka) => KafkaClientConfigs.Producer(kafka, "cli-label");

    private static int Label(CliKafka kafka, string reviewTopic, string feedbackTopic, string group, string source, double idleSeconds, CancellationToken ct)
    {
        using var consumer = kafka.Consumer<byte[]?, byte[]?>(ReviewConsumerConfig(kafka.Options, group));
        using var producer = kafka.Producer<Null, byte[]>(FeedbackProducerConfig(kafka.Options));
        consumer.Subscribe(reviewTopic);
        var prompt = new ReviewPrompt(Console.In, Console.Out, $"streamnlp-label:{source}");
        int sent = 0, skipped = 0;
        var lastItem = DateTime.UtcNow;
        Console.WriteLine($"reviewing {reviewTopic} at {kafka.BootstrapServers}; answers go to {feedbackTopic}");
        while (!ct.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result?.Message?.Value is null)
            {
                if ((DateTime.UtcNow - lastItem).TotalSeconds >= idleSeconds)
                {
                    Console.WriteLine($"review queue empty for {idleSeconds:0} s");
                    break;
                }

                continue;
            }

            lastItem = DateTime.UtcNow;
            ReviewItem? item;
            try
            {
                item = JsonSerializer.Deserialize(result.Message.Value, ContractsJsonContext.Default.ReviewItem);
            }
            catch (JsonException)
            {
                item = null;
            }

            if (item is null)
            {
                consumer.Commit(result);
                continue;
            }

            var decision = prompt.Ask(item);
            if (decision.Quit)
            {
                break; // this item stays uncommitted: it is offered again next time
            }

            if (decision.Feedback is { } example)
            {
                producer.ProduceAsync(feedbackTopic, new Message<Null, byte[]> { Value = FeedbackJson.Serialize(example) }, ct).GetAwaiter().GetResult();
                sent++;
            }
            else
            {
                skipped++;
            }

            consumer.Commit(result);
        }

        consumer.Close();
        Console.WriteLine($"sent {sent} label(s), skipped {skipped}");
        return 0;
    }
}
