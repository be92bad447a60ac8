using StreamNlp.Kafka.Configuration;
using StreamNlp.Kafka.Topics;

namespace StreamNlp.UnitTests.Kafka.Topics;

public sealed class ServiceTopicsTests
{
    private static readonly KafkaOptions Options = new() { ReplicationFactor = 3, Partitions = 6 };

    [Fact]
    public void Enrichment_ReplicationFactorSetting_ReachesEverySpecAndTheCreateTopicsRequest()
    {
        var specs = ServiceTopics.Enrichment(Options);
        var requests = TopicProvisioner.Specifications(specs);

        Assert.Equal(["nlp.input", "nlp.enriched", "nlp.deadletter", "nlp.review", "nlp.feedback", "nlp.models"], specs.Select(s => s.Name));
        Assert.All(specs, s => Assert.Equal(3, s.ReplicationFactor));
        Assert.All(requests, r => Assert.Equal(3, r.ReplicationFactor));
        Assert.All(requests.Where(r => r.Name != "nlp.models"), r => Assert.Equal(6, r.NumPartitions));
        var models = Assert.Single(requests, r => r.Name == "nlp.models");
        Assert.Equal(1, models.NumPartitions);
        Assert.Equal("compact", models.Configs["cleanup.policy"]);
    }

    [Fact]
    public void Retrainer_ReplicationFactorSetting_ReachesEverySpecAndTheCreateTopicsRequest()
    {
        var requests = TopicProvisioner.Specifications(ServiceTopics.Retrainer(Options));

        Assert.Equal(["nlp.feedback", "nlp.deadletter", "nlp.models"], requests.Select(r => r.Name));
        Assert.All(requests, r => Assert.Equal(3, r.ReplicationFactor));
    }

    [Fact]
    public void Enrichment_DefaultOptions_ReplicationFactorOne()
    {
        Assert.All(ServiceTopics.Enrichment(new KafkaOptions()), s => Assert.Equal(1, s.ReplicationFactor));
    }
}
