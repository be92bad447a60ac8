namespace StreamNlp.IntegrationTests.Kafka;

/// <summary>Tests in this collection share one <see cref="KafkaBrokerFixture"/> broker.</summary>
[CollectionDefinition("kafka")]
public sealed class KafkaCollection : ICollectionFixture<KafkaBrokerFixture>;
