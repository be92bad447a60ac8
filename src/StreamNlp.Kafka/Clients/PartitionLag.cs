namespace StreamNlp.Kafka.Clients;

/// <summary>How many records of one partition its consumer group has not committed yet (high watermark − committed offset).</summary>
public sealed record PartitionLag(string Topic, int Partition, long Lag);
