using Microsoft.Extensions.Time.Testing;
using StreamNlp.Worker.Health;

namespace StreamNlp.UnitTests.Worker.Health;

public sealed class WorkerHealthTests
{
    [Fact]
    public void NotReady_BeforeAnything_NamesModelsBrokerAndGroup()
    {
        var health = new WorkerHealth(new FakeTimeProvider());

        var reasons = health.NotReady();

        Assert.Equal(["models not loaded yet", "not connected to Kafka yet", "consumer group not joined yet (no partition assignment)"], reasons);
        Assert.Null(health.NotLive()); // starting is not hanging
    }

    [Fact]
    public void NotReady_ModelsLoadedBrokerUpGroupJoined_IsEmpty()
    {
        var health = new WorkerHealth(new FakeTimeProvider());
        health.ModelsLoaded();
        health.TrackBroker(() => true);
        health.Polled();
        health.Assignment(0); // joined with no partitions is still ready: more workers than partitions

        Assert.Empty(health.NotReady());
    }

    [Fact]
    public void NotReady_JoinedWithoutAnyAssignmentCallback_IsEmpty()
    {
        var health = new WorkerHealth(new FakeTimeProvider());
        health.ModelsLoaded();
        health.TrackBroker(() => true);
        health.Polled();
        health.Joined(); // consumer protocol: a member given no partition gets no callback, only heartbeats

        Assert.Empty(health.NotReady());
        Assert.Equal(0, health.AssignedPartitions);
    }

    [Fact]
    public void NotReady_BrokerLost_SaysSo()
    {
        var health = new WorkerHealth(new FakeTimeProvider());
        health.ModelsLoaded();
        health.TrackBroker(() => false);
        health.Assignment(3);

        Assert.Equal(["no Kafka broker reachable"], health.NotReady());
    }

    [Fact]
    public void NotLive_ConsumeLoopStoppedPolling_ReportsTheStuckLoopAfterTheLimit()
    {
        var time = new FakeTimeProvider();
        var health = new WorkerHealth(time);
        health.ModelsLoaded();
        health.TrackBroker(() => true);
        health.Assignment(2);
        health.Polled();

        time.Advance(WorkerHealth.StuckAfter - TimeSpan.FromSeconds(1));
        Assert.Null(health.NotLive());

        time.Advance(TimeSpan.FromSeconds(2));
        var reason = health.NotLive();

        Assert.Equal("the consume loop has not polled for 31 s", reason);
        Assert.Contains(reason, health.NotReady()); // a stuck worker is not ready either
        health.Polled();
        Assert.Null(health.NotLive());
    }
}
