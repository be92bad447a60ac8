using Microsoft.Extensions.Time.Testing;
using StreamNlp.Worker.Ingestion;

namespace StreamNlp.UnitTests.Worker.Ingestion;

public sealed class GroupJoinWatchTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static string Stats(string state, string joinState) =>
        $$$"""{"name":"c","type":"consumer","cgrp":{"state":"{{{state}}}","stateage":1000,"join_state":"{{{joinState}}}","rebalance_cnt":0,"assignment_size":0}}""";

    [Fact]
    public void CoordinatorUpButNeverJoined_GivesUpAfterThePatience()
    {
        var time = new FakeTimeProvider();
        var watch = new GroupJoinWatch(time, Patience);

        watch.OnStatistics(Stats("up", "init"));
        time.Advance(TimeSpan.FromSeconds(29));
        watch.OnStatistics(Stats("up", "init"));
        Assert.False(watch.GaveUp);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(watch.GaveUp);
    }

    [Fact]
    public void JoinedOnce_NeverGivesUp()
    {
        var time = new FakeTimeProvider();
        var watch = new GroupJoinWatch(time, Patience);

        watch.OnStatistics(Stats("up", "init"));
        watch.OnStatistics(Stats("up", "steady"));
        watch.OnStatistics(Stats("up", "init")); // e.g. fenced and rejoining later
        time.Advance(TimeSpan.FromMinutes(5));

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
    public void StatisticsWithoutAGroup_AreIgnored(string json)
    {
        var time = new FakeTimeProvider();
        var watch = new GroupJoinWatch(time, Patience);

        watch.OnStatistics(json);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(watch.GaveUp);
    }
}
