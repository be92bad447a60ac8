using StreamNlp.Kafka.Configuration;

namespace StreamNlp.Kafka.Topics;

/// <summary>
/// The topics each service creates at start-up (<see cref="KafkaOptions.CreateTopics"/>), with the configured
/// partitions and <see cref="KafkaOptions.ReplicationFactor"/>; the models topic is compacted and has one partition.
/// </summary>
public static class ServiceTopics
{
    /// <summary>The enrichment worker's: inputs, output, dead letters, review, feedback and models.</summary>
    public static IReadOnlyList<TopicSpec> Enrichment(KafkaOptions kafka)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        return [.. kafka.EffectiveInputTopics.Append(kafka.OutputTopic).Append(kafka.DeadLetterTopic)
            .Append(kafka.ReviewTopic).Append(kafka.FeedbackTopic)
            .Distinct(StringComparer.Ordinal)
            .Select(t => Regular(kafka, t))
            .Append(Models(kafka))];
    }

    /// <summary>The retrainer's: feedback, dead letters and models.</summary>
    public static IReadOnlyList<TopicSpec> Retrainer(KafkaOptions kafka)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        return [Regular(kafka, kafka.FeedbackTopic), Regular(kafka, kafka.DeadLetterTopic), Models(kafka)];
    }

    /// <summary>
    /// The retrainer's topics plus its lease topic, with one partition: the retrainer instance assigned partition 0
    /// in the lease group retrains (one partition, so the other members hold nothing rather than partitions of no use).
    /// </summary>
    public static IReadOnlyList<TopicSpec> Retrainer(KafkaOptions kafka, string leaseTopic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(leaseTopic);
        return [.. Retrainer(kafka), new TopicSpec(leaseTopic, 1, ReplicationFactor: checked((short)kafka.ReplicationFactor))];
    }

    private static TopicSpec Regular(KafkaOptions kafka, string name) =>
        new(name, kafka.Partitions, ReplicationFactor: checked((short)kafka.ReplicationFactor));

    private static TopicSpec Models(KafkaOptions kafka) =>
        new(kafka.ModelsTopic, 1, Compacted: true, ReplicationFactor: checked((short)kafka.ReplicationFactor));
}
