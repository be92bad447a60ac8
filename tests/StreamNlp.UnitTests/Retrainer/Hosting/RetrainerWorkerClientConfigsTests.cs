using StreamNlp.Retrainer.Hosting;
using StreamNlp.UnitTests.Kafka;

namespace StreamNlp.UnitTests.Retrainer.Hosting;

public sealed class RetrainerWorkerClientConfigsTests
{
    [Fact]
    public void FeedbackConsumerConfig_SecuredOptions_CarriesSecurityInTheRetrainersGroup()
    {
        var config = RetrainerWorker.FeedbackConsumerConfig(SecuredKafka.Options(), "streamnlp-retrainer");

        SecuredKafka.AssertCarried(config);
        Assert.Equal("streamnlp-retrainer", config.GroupId);
        Assert.False(config.EnableAutoOffsetStore);
    }

    [Fact]
    public void DeadLetterProducerConfig_SecuredExactlyOnceOptions_CarriesSecurityNotTransactional()
    {
        var options = SecuredKafka.Options();
        options.ExactlyOnce = true;

        var config = RetrainerWorker.DeadLetterProducerConfig(options);

        SecuredKafka.AssertCarried(config);
        Assert.Null(config.TransactionalId);
    }
}
