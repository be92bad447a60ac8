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
        Assert.Equal(GroupProtocol.Consumer, config.GroupProtocol);
        Assert.Null(config.PartitionAssignmentStrategy);
        Assert.Equal("pod-1", config.GroupInstanceId);
    }

    [Fact]
    public void Consumer_ConsumerProtocol_LeavesOutTheClassicGroupSettingsTheOtherGroupsShare()
    {
        var options = new StreamNlp.Kafka.Configuration.KafkaOptions { BootstrapServers = "127.0.0.1:1" };
        options.Consumer["session.timeout.ms"] = "2000";
        options.Consumer["heartbeat.interval.ms"] = "500";

        var config = EnrichmentClientConfigs.Consumer(options);

        Assert.Equal(GroupProtocol.Consumer, config.GroupProtocol);
        Assert.DoesNotContain(config, p => p.Key is "session.timeout.ms" or "heartbeat.interval.ms" or "partition.assignment.strategy");
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build(); // librdkafka refuses the classic keys here
    }

    [Fact]
    public void Consumer_ClassicProtocol_CooperativeStickyAndTheSharedSessionSettings()
    {
        var options = SecuredKafka.Options();
        options.GroupProtocol = GroupProtocol.Classic;
        options.Consumer["session.timeout.ms"] = "2000";

        var config = EnrichmentClientConfigs.Consumer(options);

        Assert.Null(config.GroupProtocol);
        Assert.Equal(PartitionAssignmentStrategy.CooperativeSticky, config.PartitionAssignmentStrategy);
        Assert.Equal(2000, config.SessionTimeoutMs);
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
