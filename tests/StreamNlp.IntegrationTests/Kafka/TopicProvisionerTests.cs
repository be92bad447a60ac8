using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Kafka.Embedded;
using StreamNlp.Kafka.Topics;

namespace StreamNlp.IntegrationTests.Kafka;

[Collection("kafka")]
public sealed class TopicProvisionerTests
{
    [Fact]
    public async Task EnsureTopicsAsync_ReplicationFactorSetting_EveryCreatedPartitionHasThatManyReplicas()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);
        var kafka = new KafkaOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            ReplicationFactor = 3,
            FeedbackTopic = $"t-{Guid.NewGuid():N}",
            DeadLetterTopic = $"t-{Guid.NewGuid():N}",
            ModelsTopic = $"t-{Guid.NewGuid():N}",
        };

        await TopicProvisioner.EnsureTopicsAsync(kafka, ServiceTopics.Retrainer(kafka), cluster, NullLogger.Instance, CancellationToken.None);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        foreach (var topic in new[] { kafka.FeedbackTopic, kafka.DeadLetterTopic, kafka.ModelsTopic })
        {
            var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
            Assert.NotEmpty(partitions);
            Assert.All(partitions, p => Assert.Equal(3, p.Replicas.Length));
        }
    }

    [Fact]
    public async Task EnsureTopicsAsync_ReplicationFactorAboveBrokerCount_FailsNamingTheSetting()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokerCount: 1);
        var kafka = new KafkaOptions { BootstrapServers = cluster.BootstrapServers, ReplicationFactor = 2 };

        var error = await Assert.ThrowsAsync<TopicProvisioningException>(() =>
            TopicProvisioner.EnsureTopicsAsync(kafka, ServiceTopics.Retrainer(kafka), cluster, NullLogger.Instance, CancellationToken.None));

        Assert.Contains("StreamNlp:Kafka:ReplicationFactor", error.Message);
    }
}
