using Confluent.Kafka;
using StreamNlp.UnitTests.Kafka;
using StreamNlp.Worker.Hosting;

namespace StreamNlp.UnitTests.Worker.Hosting;

public sealed class EnrichmentClientConfigsTests
{
    [Fact]
    public void Consumer_SecuredOptions_CarriesSecurityAndTheWorkersDeliverySettings()
    {
        var options = SecuredKafka.Options();
        options.GroupInstanceId = "pod-1";

        var config = EnrichmentClientConfigs.Consumer(options);

        SecuredKafka.AssertCarried(config);
        Assert.Equal("streamnlp-enrichment", config.GroupId);
        Assert.False(config.EnableAutoOffsetStore);
        Assert.True(config.EnableAutoCommit);
        Assert.Equal(PartitionAssignmentStrategy.CooperativeSticky, config.PartitionAssignmentStrategy);
        Assert.Equal("pod-1", config.GroupInstanceId);
    }

    [Fact]
    public void Producer_ExactlyOnce_CarriesSecurityAndATransactionalId()
    {
        var options = SecuredKafka.Options();
        options.ExactlyOnce = true;

        var config = EnrichmentClientConfigs.Producer(options);

        SecuredKafka.AssertCarried(config);
        Assert.True(config.EnableIdempotence);
        Assert.StartsWith("streamnlp-enrichment-", config.TransactionalId, StringComparison.Ordinal);
        Assert.False(EnrichmentClientConfigs.Consumer(options).EnableAutoCommit);
    }
}
