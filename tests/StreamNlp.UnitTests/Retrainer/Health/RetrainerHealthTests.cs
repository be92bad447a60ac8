using Microsoft.Extensions.Time.Testing;
using StreamNlp.Retrainer.Health;

namespace StreamNlp.UnitTests.Retrainer.Health;

public sealed class RetrainerHealthTests
{
    [Fact]
    public void BeforeStart_IsLiveButNotReady_NamingEachMissingStep()
    {
        var health = new RetrainerHealth(new FakeTimeProvider());

        Assert.Null(health.NotLive());
        Assert.Equal(["encoder not loaded yet", "feedback consumer not started yet"], health.NotReady());
    }

    [Fact]
    public void EncoderLoadedPollingAndJoined_IsReady()
    {
        var health = new RetrainerHealth(new FakeTimeProvider());
        health.EncoderLoaded();
        health.Polled();
        Assert.Equal(["feedback consumer group not joined yet (no partition assignment)"], health.NotReady());

        health.Joined();

        Assert.Empty(health.NotReady());
    }

    [Fact]
    public void ConsumeLoopSilentPastTheLimit_IsNeitherLiveNorReady_AndRecoversOnTheNextPoll()
    {
        var time = new FakeTimeProvider();
        var health = new RetrainerHealth(time);
        health.EncoderLoaded();
        health.Joined();
        health.Polled();

        time.Advance(RetrainerHealth.StallAfter + TimeSpan.FromSeconds(1));

        Assert.Equal("the feedback consume loop has not polled for 31 s", health.NotLive());
        Assert.Contains("the feedback consume loop has not polled for 31 s", health.NotReady());
        health.Polled();
        Assert.Null(health.NotLive());
        Assert.Empty(health.NotReady());
    }

    [Fact]
    public void Leader_FollowsTheLease_AndIsNotAReadinessCondition()
    {
        var health = new RetrainerHealth(new FakeTimeProvider());
        health.EncoderLoaded();
        health.Polled();
        health.Joined();
        Assert.False(health.IsLeader);
        Assert.Empty(health.NotReady()); // an instance without the lease still stores labels, ready to take over

        health.Leader(true);
        Assert.True(health.IsLeader);

        health.Leader(false);
        Assert.False(health.IsLeader);
    }
}
