using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Labeling.Configuration;

namespace StreamNlp.Labeling.Publishing;

/// <summary>
/// Publishes feedback values to the feedback topic and waits for Kafka's acknowledgement, at most
/// <see cref="LabelingOptions.PublishTimeoutMs"/> (the producer's <c>message.timeout.ms</c>): a message that was not
/// acknowledged in time was not written, so the caller can say so and the annotator can send it again. The
/// producer is made on first use, so the page starts even when no broker answers yet.
/// </summary>
public sealed class FeedbackPublisher : IDisposable
{
    private readonly Lazy<IProducer<Null, byte[]>> _producer;

    public FeedbackPublisher(IOptions<KafkaOptions> kafka, IOptions<LabelingOptions> labeling, ILogger<FeedbackPublisher> logger)
    {
        var options = kafka.Value;
        Topic = options.FeedbackTopic;
        _producer = new Lazy<IProducer<Null, byte[]>>(() =>
        {
            var config = FeedbackProducerConfig(options, labeling.Value);
            return new ProducerBuilder<Null, byte[]>(config).SetErrorHandler((_, _) => { }).RouteLogsTo(logger).Build();
        });
    }

    /// <summary>The page's feedback producer: idempotent, acks from all replicas, giving up after <see cref="LabelingOptions.PublishTimeoutMs"/>.</summary>
    internal static ProducerConfig FeedbackProducerConfig(KafkaOptions kafka, LabelingOptions labeling) =>
        KafkaClientConfigs.Producer(kafka, "labeling", c => c.MessageTimeoutMs = labeling.PublishTimeoutMs);

    /// <summary>The feedback topic.</summary>
    public string Topic { get; }

    /// <summary>Publishes one feedback value; returns where it landed once Kafka acknowledged it.</summary>
    /// <exception cref="FeedbackUnavailableException">Kafka did not acknowledge it (the reason says why).</exception>
    public async Task<TopicPartitionOffset> PublishAsync(byte[] value, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _producer.Value.ProduceAsync(Topic, new Message<Null, byte[]> { Value = value }, cancellationToken).ConfigureAwait(false);
            return result.TopicPartitionOffset;
        }
        catch (ProduceException<Null, byte[]> ex)
        {
            throw new FeedbackUnavailableException($"Kafka did not acknowledge the feedback on {Topic}: {ex.Error.Reason} ({ex.Error.Code})", ex);
        }
        catch (KafkaException ex)
        {
            throw new FeedbackUnavailableException($"Kafka refused the feedback on {Topic}: {ex.Error.Reason} ({ex.Error.Code})", ex);
        }
    }

    public void Dispose()
    {
        if (_producer.IsValueCreated)
        {
            _producer.Value.Flush(TimeSpan.FromSeconds(5));
            _producer.Value.Dispose();
        }
    }
}
