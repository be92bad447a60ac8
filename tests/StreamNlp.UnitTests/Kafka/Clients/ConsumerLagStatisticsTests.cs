using StreamNlp.Kafka.Clients;

namespace StreamNlp.UnitTests.Kafka.Clients;

public sealed class ConsumerLagStatisticsTests
{
    // Shaped like librdkafka's statistics (trimmed): partition -1 is its internal "unassigned" partition.
    private const string Statistics = """
        {"name":"rdkafka#consumer-1","type":"consumer","brokers":{"localhost:9092/1":{"state":"UP"}},
         "topics":{
           "nlp.input":{"topic":"nlp.input","partitions":{
             "0":{"partition":0,"fetch_state":"active","committed_offset":100,"hi_offset":142,"consumer_lag":42,"consumer_lag_stored":40},
             "1":{"partition":1,"fetch_state":"none","committed_offset":-1001,"hi_offset":-1,"consumer_lag":-1},
             "2":{"partition":2,"fetch_state":"active","committed_offset":7,"hi_offset":7,"consumer_lag":0},
             "-1":{"partition":-1,"consumer_lag":-1}}},
           "other":{"topic":"other","partitions":{"3":{"partition":3,"consumer_lag":5}}}}}
        """;

    [Fact]
    public void Parse_Statistics_ReportsEveryPartitionWithAKnownLag()
    {
        var lags = ConsumerLagStatistics.Parse(Statistics);

        Assert.Equal(
            [new PartitionLag("nlp.input", 0, 42), new PartitionLag("nlp.input", 2, 0), new PartitionLag("other", 3, 5)],
            lags.OrderBy(l => l.Topic, StringComparer.Ordinal).ThenBy(l => l.Partition));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"name":"producer"}""")]
    [InlineData("""{"topics":[]}""")]
    public void Parse_NoTopicsOrNotStatistics_ReportsNothing(string json) => Assert.Empty(ConsumerLagStatistics.Parse(json));
}
