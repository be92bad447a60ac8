namespace StreamNlp.Kafka.Topics;

/// <summary>A topic the service needs. <paramref name="Compacted"/> sets <c>cleanup.policy=compact</c>.</summary>
public sealed record TopicSpec(string Name, int Partitions, bool Compacted = false, short ReplicationFactor = 1);
