using Microsoft.Extensions.Time.Testing;
using StreamNlp.Worker.Ingestion;

namespace StreamNlp.UnitTests.Worker.Ingestion;

public sealed class GroupJoinWatchTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A librdkafka statistics document as measured on the embedded broker: <paramref name="sent"/> requests to the
    /// coordinator, of which the statistics name <c>Metadata</c> 1 and <c>ApiVersion</c> 2 (heartbeats are not named).
    /// </summary>
    private static string Stats(string state, string joinState, long sent = 3) =>
        "{\"name\":\"c\",\"type\":\"consumer\"," +
        "\"brokers\":{\"GroupCoordinator\":{\"name\":\"GroupCoordinator\",\"nodeid\":-1,\"tx\":" + sent +
        ",\"req\":{\"Metadata\":1,\"ApiVersion\":2,\"OffsetCommit\":0}}}," +
        "\"cgrp\":{\"state\":\"" + state + "\",\"stateage\":1000,\"join_state\":\"" + joinState + "\",\"rebalance_cnt\":0,\"assignment_size\":0}}";

    [Fact]
    public void CoordinatorUpButNoHeartbeatEverSent_GivesUpAfterThePatience()
    {
        var time = new FakeTimeProvider();
        var watch = new GroupJoinWatch(time, Patience);

        watch.OnStatistics(Stats("up", "init"));
        time.Advance(TimeSpan.FromSeconds(29));
        watch.OnStatistics(Stats("up", "init"));
        Assert.False(watch.GaveUp);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(watch.GaveUp);
        Assert.False(watch.Joined);
    }

    [Fact]
    public void MemberGivenNoPartition_HeartbeatsCountAsJoined()
    {
        var time = new FakeTimeProvider();
        var watch = new GroupJoinWatch(time, Patience);

        watch.OnStatistics(Stats("up", "init", sent: 3));
        watch.OnStatistics(Stats("up", "init", sent: 13)); // ten requests the statistics do not name: heartbeats
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.True(watch.Joined);
        Assert.False(watch.GaveUp);
    }

    [Fact]
    public void AssignedMember_JoinStatePastInitCountsAsJoined_AndStaysSo()
    {
        var time = new FakeTimeProvider();
        var watch = new GroupJoinWatch(time, Patience);

        watch.OnStatistics(Stats("up", "init"));
        watch.OnStatistics(Stats("up", "steady"));
        watch.OnStatistics(Stats("up", "init")); // e.g. fenced and rejoining later
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.True(watch.Joined);
        Assert.False(watch.GaveUp);
    }

    [Fact]
    public void NoCoordinatorYet_IsNotCountedAsWaiting()
    {
        var time = new FakeTimeProvider();
        var watch = new GroupJoinWatch(time, Patience);

        watch.OnStatistics(Stats("up", "init"));
        time.Advance(TimeSpan.FromSeconds(20));
        watch.OnStatistics(Stats("query-coord", "init")); // the broker went away: the clock restarts
        time.Advance(TimeSpan.FromSeconds(20));
        watch.OnStatistics(Stats("up", "init"));
        time.Advance(TimeSpan.FromSeconds(20));

        Assert.False(watch.GaveUp);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"name":"p","type":"producer"}""")]
    [InlineData("""{"cgrp":{"state":"up","join_state":"init"},"brokers":{"GroupCoordinator":{"tx":"x","req":{}}}}""")]
    public void StatisticsWithoutAGroupOrMalformed_AreIgnored(string json)
    {
        var time = new FakeTimeProvider();
        var watch = new GroupJoinWatch(time, Patience);

        watch.OnStatistics(json);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(watch.GaveUp);
        Assert.False(watch.Joined);
    }
}
