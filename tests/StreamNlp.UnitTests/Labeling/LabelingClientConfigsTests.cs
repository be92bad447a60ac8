using Confluent.Kafka;
using StreamNlp.Labeling.Configuration;
using StreamNlp.Labeling.Publishing;
using StreamNlp.Labeling.Queue;
using StreamNlp.UnitTests.Kafka;

namespace StreamNlp.UnitTests.Labeling;

public sealed class LabelingClientConfigsTests
{
    [Fact]
    public void ReviewConsumerConfig_SecuredOptions_CarriesSecurityInThePagesGroup_CommitsByHand()
    {
        var config = ReviewQueueReader.ReviewConsumerConfig(SecuredKafka.Options(), new LabelingOptions { GroupId = "pages" });

        SecuredKafka.AssertCarried(config);
        Assert.Equal("pages", config.GroupId);
        Assert.False(config.EnableAutoCommit);
    }

    [Fact]
    public void FeedbackProducerConfig_SecuredOptions_CarriesSecurity_GivesUpAfterThePublishTimeOut()
    {
        var config = FeedbackPublisher.FeedbackProducerConfig(SecuredKafka.Options(), new LabelingOptions { PublishTimeoutMs = 4_000 });

        SecuredKafka.AssertCarried(config);
        Assert.Equal(4_000, config.MessageTimeoutMs);
        Assert.True(config.EnableIdempotence);
        Assert.Equal(Acks.All, config.Acks);
    }
}
