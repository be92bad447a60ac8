using StreamNlp.Kafka.ModelUpdates;

namespace StreamNlp.UnitTests.Kafka.ModelUpdates;

public sealed class ModelUpdateClientConfigsTests
{
    [Fact]
    public void ListenerConsumerConfig_SecuredOptions_CarriesSecurityInAGroupOfItsOwn()
    {
        var first = ModelUpdateListener.ConsumerConfig(SecuredKafka.Options());
        var second = ModelUpdateListener.ConsumerConfig(SecuredKafka.Options());

        SecuredKafka.AssertCarried(first);
        Assert.NotEqual(first.GroupId, second.GroupId);
        Assert.False(first.EnableAutoCommit);
    }

    [Fact]
    public void PublisherProducerConfig_SecuredOptions_CarriesSecurity()
    {
        SecuredKafka.AssertCarried(ModelUpdatePublisher.ProducerConfig(SecuredKafka.Options()));
    }
}
